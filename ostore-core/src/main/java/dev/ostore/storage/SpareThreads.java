package dev.ostore.storage;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Pools of a few daemon threads for work that helps but can be left undone: a task runs at once
 * on an idle thread, or is refused ({@link RejectedExecutionException}) when every thread is busy,
 * never queued behind the others. A thread idle for ten seconds ends.
 */
final class SpareThreads {
  private SpareThreads() {}

  /** A pool of at most {@code most} threads named {@code name}, each with its number. */
  static ExecutorService upTo(int most, String name) {
    return new ThreadPoolExecutor(0, most, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
        new ThreadFactoryBuilder().setNameFormat(name + "-%d").setDaemon(true).build());
  }
}
