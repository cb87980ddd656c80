package dev.ostore.client;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file with downloaded content all at once: the bytes go to a temporary file in the
 * target's directory, which is forced to disk and then atomically renamed over the target. A
 * failure at any step deletes the temporary file, so the target is never seen half written.
 */
final class Downloads {
  private Downloads() {}

  /** Writes the content of a download to a stream it does not close, and tells its size. */
  @FunctionalInterface
  interface Content {
    long writeTo(OutputStream out) throws IOException;
  }

  static long replace(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    if (directory == null) {
      throw new IOException("cannot download to " + target + ": it has no parent directory");
    }
    // Same directory, so the rename stays on one file system and is atomic. Created with
    // CREATE_NEW (not createTempFile) so the file gets the usual umask permissions, not 0600.
    Path temp = directory.resolve(
        ".ostore-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
    try {
      long size;
      try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, WRITE)) {
        size = content.writeTo(Channels.newOutputStream(channel));
        channel.force(true);
      }
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
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
}
