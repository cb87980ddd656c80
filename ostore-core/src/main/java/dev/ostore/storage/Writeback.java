package dev.ostore.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * Has the disk write a file's bytes while more are still being appended, so that the force at
 * its commit finds little left to write: every {@value #EVERY} bytes a file's pages are forced
 * on one of a few threads, unless that file's last force is still running or every thread is
 * busy (the commit's force then does it). Without it the kernel starts writing a big upload only
 * at its commit, and the upload waits for all of it there. Files written past the page cache
 * ({@code O_DIRECT}) are followed too: such a write skips the page cache but not the disk's own
 * write cache, which only a force empties (benchmarks.md, section 62). Closing stops the threads.
 */
final class Writeback implements AutoCloseable {
  static final long EVERY = 8L << 20;

  private final ExecutorService threads;

  Writeback(int maxThreads, String name) {
    threads = SpareThreads.upTo(maxThreads, name);
  }

  /** Follows {@code channel} as it is appended to. */
  File follow(FileChannel channel) {
    return new File(channel);
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }

  /** One file being appended to; used by the thread appending. */
  final class File {
    private final FileChannel channel;
    private long forcedAt;
    private Future<?> running = CompletableFuture.completedFuture(null);

    private File(FileChannel channel) {
      this.channel = channel;
    }

    /** The file now holds {@code length} bytes. */
    void appended(long length) {
      if (length - forcedAt < EVERY || !running.isDone()) {
        return;
      }
      try {
        running = threads.submit(this::force);
        forcedAt = length;
      } catch (RejectedExecutionException e) {
        // Every thread busy, or closed: the commit forces it all.
      }
    }

    private void force() {
      try {
        channel.force(false);
      } catch (IOException e) {
        // Closed by now, or failing: the commit's own force tells which.
      }
    }
  }
}
