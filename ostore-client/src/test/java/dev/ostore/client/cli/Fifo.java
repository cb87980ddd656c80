package dev.ostore.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A named pipe (made with mkfifo) and a reader of it on a thread of its own, which reads at most
 * {@code limit} bytes and then closes its end, as {@code head -c} does; or a writer of it.
 */
final class Fifo implements AutoCloseable {
  /** The file type bits of {@code unix:mode}, and their values for a FIFO and a char device. */
  static final int TYPE_MASK = 0170000;
  static final int FIFO = 0010000;
  static final int CHARACTER_DEVICE = 0020000;

  private final ExecutorService reader = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "fifo-reader");
    thread.setDaemon(true); // blocks in open() for good if nobody ever writes
    return thread;
  });
  final Path path;

  Fifo(Path path) throws IOException, InterruptedException {
    this.path = path;
    Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    if (mkfifo.waitFor() != 0) {
      throw new IOException("mkfifo " + path + " failed");
    }
  }

  /** Starts reading: the future gives the first {@code limit} bytes, or all if fewer came. */
  CompletableFuture<byte[]> read(int limit) {
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream in = Files.newInputStream(path)) {
        return in.readNBytes(limit);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, reader);
  }

  /** Starts writing {@code bytes} into the pipe; the future ends once they are all taken. */
  CompletableFuture<Void> write(byte[] bytes) {
    return CompletableFuture.runAsync(() -> {
      try (OutputStream out = Files.newOutputStream(path)) {
        out.write(bytes);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, reader);
  }

  /** The file type of {@code path}, not following a last symbolic link. */
  static int type(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & TYPE_MASK;
  }

  @Override
  public void close() {
    reader.shutdownNow();
  }
}
