package dev.ostore.storage;

import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ShardId;
import java.io.IOException;
import java.lang.System.Logger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Where shard files live in a directory of them, {@code <dir>/<first 2 hex>/<hex>.<i>}: the
 * shards in place and those held for a collection are laid out alike, so that an operator can
 * move one back by hand.
 */
final class ShardPaths {
  private static final Logger log = System.getLogger(ShardPaths.class.getName());

  /** What a scan does with each shard file it finds. */
  interface Found {
    void accept(ShardId id, Path file) throws IOException;
  }

  private ShardPaths() {}

  static Path of(Path directory, ShardId id) {
    return directory.resolve(id.hash().hex().substring(0, 2)).resolve(id.toString());
  }

  /**
   * Renames {@code file} to {@code target}, a path {@link #of} gives, durably: the target's
   * subdirectory is created when missing (and its parent forced), and forced after the rename.
   */
  static void move(Path file, Path target) throws IOException {
    rename(file, target);
    DiskStorage.forceDirectory(target.getParent());
  }

  /**
   * As {@link #move}, but the target's subdirectory is not forced after the rename: for a move
   * that a crash may undo.
   */
  static void rename(Path file, Path target) throws IOException {
    try {
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      // Looked for only now: the subdirectory is there for all but a directory's first shard.
      if (!Files.exists(file)) {
        throw e;
      }
      Path parent = target.getParent();
      if (!Files.isDirectory(parent)) {
        Files.createDirectories(parent);
        DiskStorage.forceDirectory(parent.getParent());
      }
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /**
   * Sets the time {@code file} was last modified to {@code time} in two system calls, against the
   * four of {@link Files#setLastModifiedTime} (open, stat, set, close): it runs once per shard
   * stored, and a small shard's whole store takes about thirty.
   */
  static void setWritten(Path file, FileTime time) throws IOException {
    if (!file.toFile().setLastModified(time.toMillis())) {
      throw new IOException("could not set the time " + file + " was written");
    }
  }

  /**
   * The time a file records as when it was written or held, a shard's or content's stored whole.
   * Rounded up to the second: some file systems keep whole seconds only, and a time that can only
   * err later keeps what it stamps.
   */
  static FileTime stamp(Instant now) {
    Instant second = now.truncatedTo(ChronoUnit.SECONDS);
    return FileTime.from(second.equals(now) ? now : second.plusSeconds(1));
  }

  /** Calls {@code found} with each shard file in {@code directory}; logs anything else there. */
  static void scan(Path directory, Found found) throws IOException {
    try (DirectoryStream<Path> subdirectories = Files.newDirectoryStream(directory)) {
      for (Path subdirectory : subdirectories) {
        if (!Files.isDirectory(subdirectory)) {
          log.log(WARNING, () -> "ignored a foreign file in " + directory + ": " + subdirectory);
          continue;
        }
        String name = subdirectory.getFileName().toString();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(subdirectory)) {
          for (Path file : files) {
            ShardId id = parse(name, file);
            if (id != null) {
              found.accept(id, file);
            }
          }
        }
      }
    }
  }

  /** The shard {@code file} in subdirectory {@code directory} is; null (logged) for none. */
  private static ShardId parse(String directory, Path file) {
    String name = file.getFileName().toString();
    try {
      ShardId id = ShardId.parse(name);
      if (name.startsWith(directory)) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      // not one of ours: logged below
    }
    log.log(WARNING, () -> "ignored a file not named as a shard of its directory: " + file);
    return null;
  }
}
