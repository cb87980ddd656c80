package dev.ostore.client;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a download to the path a caller named, by the rules of {@link DownloadTarget}. A file
 * to replace is replaced all at once: the bytes go to a temporary file in its directory, which
 * is forced to disk and then atomically renamed over it, so it is never seen half written; a
 * failure at any step deletes the temporary file and leaves the old file as it was. Anything
 * else is written in place, appended to: a FIFO or a terminal takes the bytes as they come.
 */
final class Downloads {
  private Downloads() {}

  /** Writes the content of a download to a stream it does not close, and tells its size. */
  @FunctionalInterface
  interface Content {
    long writeTo(OutputStream out) throws IOException;
  }

  /** Writes the object {@code name} to {@code target}, and returns its size. */
  static long save(Path target, String name, Content content) throws IOException {
    DownloadTarget to = DownloadTarget.of(target, name);
    return to.replaceable() ? replace(to.path(), content) : writeInPlace(to.path(), content);
  }

  private static long writeInPlace(Path file, Content content) throws IOException {
    OutputStream opened;
    try {
      // APPEND: /dev/stdout redirected with >> to a file must not overwrite what is there.
      opened = Files.newOutputStream(file, WRITE, APPEND);
    } catch (IOException e) {
      throw FileStreams.about(file, e);
    }
    try (OutputStream out = FileStreams.writing(opened, file)) {
      return content.writeTo(out);
    }
  }

  private static long replace(Path file, Content content) throws IOException {
    Path directory = file.getParent();
    // Same directory, so the rename stays on one file system and is atomic. Created with
    // CREATE_NEW (not createTempFile) so the file gets the usual umask permissions, not 0600.
    Path temp = directory.resolve(
        ".ostore-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
    FileChannel channel;
    try {
      channel = FileChannel.open(temp, CREATE_NEW, WRITE);
    } catch (IOException e) {
      throw FileStreams.about(file, "cannot create a temporary file in " + directory + ": ", e);
    }
    try {
      long size;
      try (channel) {
        size = content.writeTo(FileStreams.writing(Channels.newOutputStream(channel), file));
        finish(file, temp, channel);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw FileStreams.about(file, e);
      }
      return size;
    } catch (Throwable e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Gives the written temporary file the old file's permissions (a file only for its owner's
   * eyes stays so) and forces it to disk.
   */
  private static void finish(Path file, Path temp, FileChannel channel) throws IOException {
    try {
      PosixFileAttributeView old = Files.getFileAttributeView(file, PosixFileAttributeView.class);
      if (old != null && Files.exists(file)) {
        Files.getFileAttributeView(temp, PosixFileAttributeView.class)
            .setPermissions(old.readAttributes().permissions());
      }
      channel.force(true);
    } catch (IOException e) {
      throw FileStreams.about(file, e);
    }
  }
}
