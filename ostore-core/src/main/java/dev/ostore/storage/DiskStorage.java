package dev.ostore.storage;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link Storage} in plain files: one file per object, temporary files beside them. */
final class DiskStorage implements Storage {
  private static final Logger log = System.getLogger(DiskStorage.class.getName());
  static final String PARTIAL_SUFFIX = ".part";

  private final Path objects;
  private final Path temp;
  private final Path corrupt;

  private DiskStorage(Path objects, Path temp, Path corrupt) {
    this.objects = objects;
    this.temp = temp;
    this.corrupt = corrupt;
  }

  static DiskStorage open(Path root) throws IOException {
    Path objects = Files.createDirectories(root.resolve("objects"));
    Path temp = Files.createDirectories(root.resolve("temp"));
    Path corrupt = Files.createDirectories(root.resolve("corrupt"));
    removeDeadUploads(temp);
    return new DiskStorage(objects, temp, corrupt);
  }

  @Override
  public Optional<StoredObject> open(String key) throws OstoreException {
    FileChannel channel;
    try {
      channel = FileChannel.open(pathOf(key), READ);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failed(key, e);
    }
    try {
      // The size comes from the open channel, not a second lookup, so it matches the bytes.
      return Optional.of(new StoredObject(channel.size(), Channels.newInputStream(channel)));
    } catch (IOException e) {
      closeQuietly(channel);
      throw failed(key, e);
    }
  }

  @Override
  public Optional<Long> size(String key) throws OstoreException {
    try {
      return Optional.of(Files.size(pathOf(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failed(key, e);
    }
  }

  @Override
  public Upload create() throws OstoreException {
    Path partial = temp.resolve(UUID.randomUUID() + PARTIAL_SUFFIX);
    try {
      return new Upload(this, FileChannel.open(partial, CREATE_NEW, WRITE), partial);
    } catch (IOException e) {
      throw failed("a new upload", e);
    }
  }

  @Override
  public boolean delete(String key) throws OstoreException {
    try {
      boolean deleted = Files.deleteIfExists(pathOf(key));
      if (deleted) {
        forceDirectory(objects);
      }
      return deleted;
    } catch (IOException e) {
      throw failed(key, e);
    }
  }

  @Override
  public boolean quarantine(String key) throws OstoreException {
    Path file = pathOf(key);
    Path aside = corrupt.resolve(file.getFileName() + "." + System.currentTimeMillis());
    try {
      Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
      forceDirectory(objects);
      log.log(Level.WARNING, () -> "moved " + key + " aside to " + aside);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw failed(key, e);
    }
  }

  @Override
  public List<String> keys() throws OstoreException {
    List<String> keys = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(objects)) {
      for (Path file : files) {
        Optional<String> key = FileNames.keyOf(file.getFileName().toString());
        key.ifPresentOrElse(keys::add,
            () -> log.log(Level.WARNING, () -> "ignored a foreign file in " + objects + ": "
                + file.getFileName()));
      }
    } catch (IOException e) {
      throw failed("the list of objects", e);
    }
    return keys;
  }

  @Override
  public String toString() {
    return "DiskStorage(" + objects.getParent() + ")";
  }

  Path pathOf(String key) {
    return objects.resolve(FileNames.forKey(key));
  }

  /**
   * What the JDK says of a full disk ({@code ENOSPC}) or quota ({@code EDQUOT}): the C library's
   * words, the only sign of either a Java program gets. Under a locale that translates them the
   * failure stays {@code STORAGE_FAILED}.
   */
  private static final List<String> NO_ROOM = List.of("No space left on device",
      "Disk quota exceeded");

  /**
   * The error for a failure of the disk itself while working on {@code key}: {@code
   * INSUFFICIENT_STORAGE} when the disk is full (a write that got past {@link DiskRoom}'s
   * reserve), else {@code STORAGE_FAILED}.
   */
  static OstoreException failed(String key, IOException cause) {
    String said = String.valueOf(cause.getMessage());
    ErrorCode code = NO_ROOM.stream().anyMatch(said::contains) ? ErrorCode.INSUFFICIENT_STORAGE
        : ErrorCode.STORAGE_FAILED;
    return new OstoreException(code, "storage failed on " + key + ": " + cause, cause);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Already failing; the first error is the one worth reporting.
    }
  }

  /** Makes a rename or delete in {@code directory} durable. */
  static void forceDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, READ)) {
      dir.force(true);
    }
  }

  private static void removeDeadUploads(Path temp) throws IOException {
    try (DirectoryStream<Path> partials = Files.newDirectoryStream(temp, "*" + PARTIAL_SUFFIX)) {
      for (Path partial : partials) {
        Files.deleteIfExists(partial);
        log.log(Level.INFO, () -> "removed the leftover of an interrupted upload: " + partial);
      }
    }
  }
}
