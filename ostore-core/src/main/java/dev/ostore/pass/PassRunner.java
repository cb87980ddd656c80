package dev.ostore.pass;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The thread of a background pass (repair, collection): a pass every interval and on demand,
 * one at a time; the progress of the pass running can be read meanwhile, and the report of the
 * last one that ended. Closing stops the thread, cutting a pass short. Idempotent.
 *
 * @param <P> what a pass records its progress in, readable while it runs
 * @param <R> the report of a pass that ended
 */
public final class PassRunner<P, R> implements AutoCloseable {
  /** One pass, given its progress; reports however it ended, so it throws nothing. */
  public interface Pass<P, R> {
    R run(P progress);
  }

  private final Pass<P, R> pass;
  private final AtomicBoolean open = new AtomicBoolean(true);
  private final AtomicBoolean passing = new AtomicBoolean();
  private volatile Optional<P> running = Optional.empty();
  private volatile Optional<R> last = Optional.empty();
  private ScheduledExecutorService thread;

  /** A runner of {@code pass}; no thread until {@link #start}, {@link #runPass} meanwhile. */
  public PassRunner(Pass<P, R> pass) {
    this.pass = pass;
  }

  /**
   * Starts the thread named {@code name}, running a pass every {@code interval}, the first one
   * interval from now, with the progress {@code scheduled} makes.
   */
  public synchronized void start(String name, Duration interval, Supplier<P> scheduled) {
    thread = Executors.newSingleThreadScheduledExecutor(
        new ThreadFactoryBuilder().setNameFormat(name).setDaemon(true).build());
    long millis = interval.toMillis();
    thread.scheduleWithFixedDelay(() -> runPass(scheduled), millis, millis,
        TimeUnit.MILLISECONDS);
  }

  /** Runs {@code task} on the thread too, every {@code period} from now, between passes. */
  public synchronized void every(Duration period, Runnable task) {
    thread.scheduleWithFixedDelay(task, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Queues a pass with the progress {@code progress} makes unless one is running; returns
   * whether it did. The pass counts as running at once, so that a status asked next says so.
   */
  public boolean startPass(Supplier<P> progress) {
    Optional<P> begun = begin(progress);
    if (begun.isEmpty()) {
      return false;
    }
    try {
      thread.execute(() -> end(begun.get()));
      return true;
    } catch (RejectedExecutionException e) {
      running = Optional.empty();
      passing.set(false);
      return false; // closed
    }
  }

  /** Runs a pass on the calling thread unless one is running; returns its report. */
  public Optional<R> runPass(Supplier<P> progress) {
    return begin(progress).map(this::end);
  }

  /** The progress of the pass running, if any. */
  public Optional<P> running() {
    return running;
  }

  /** The report of the last pass that ended, if any. */
  public Optional<R> last() {
    return last;
  }

  private Optional<P> begin(Supplier<P> progress) {
    if (!passing.compareAndSet(false, true)) {
      return Optional.empty();
    }
    running = Optional.of(progress.get());
    return running;
  }

  private R end(P progress) {
    try {
      R report = pass.run(progress);
      last = Optional.of(report);
      return report;
    } finally {
      running = Optional.empty();
      passing.set(false);
    }
  }

  /** {@code {"state":"running"|"idle", "pass":<running>|null, "lastPass":<last>|null}}. */
  public static String statusJson(Optional<String> running, Optional<String> last) {
    return "{\"state\":\"" + (running.isPresent() ? "running" : "idle") + "\",\"pass\":"
        + running.orElse("null") + ",\"lastPass\":" + last.orElse("null") + "}\n";
  }

  @Override
  public synchronized void close() {
    if (open.compareAndSet(true, false) && thread != null) {
      thread.shutdownNow();
    }
  }
}
