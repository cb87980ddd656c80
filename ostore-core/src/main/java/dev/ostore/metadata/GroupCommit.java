package dev.ostore.metadata;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Writes of concurrent callers to a database with one writer, run in batches: whoever holds the
 * writer takes every write queued meanwhile (up to {@link #MAX_BATCH}) and hands them to the
 * runner as one batch, which can then share one commit, and so one forced write of the log,
 * instead of one each. A caller returns only once its own write was settled. Alone, a caller's
 * write is a batch of one and waits for nobody.
 */
final class GroupCommit {
  /** The most writes one batch takes: bounds how long the first of them waits for the rest. */
  static final int MAX_BATCH = 64;

  private final Queue<Queued<?>> queue = new ConcurrentLinkedQueue<>();
  /** Guards {@link #writing}; waited on by callers, notified when a batch settled or ended. */
  private final Object turn = new Object();
  private boolean writing;
  private final Duration maxWait;
  private final Consumer<List<Queued<?>>> runner;

  /**
   * Batches run by {@code runner}, which must settle every write of its batch; a caller waits at
   * most {@code maxWait} for its write to start.
   */
  GroupCommit(Duration maxWait, Consumer<List<Queued<?>>> runner) {
    this.maxWait = maxWait;
    this.runner = runner;
  }

  /** Runs {@code work} in some batch and returns what it returned there. */
  <T> T write(String what, Database.Work<T> work) throws OstoreException {
    Queued<T> mine = new Queued<>(what, work);
    queue.add(mine);
    if (awaitTurn(mine)) {
      return mine.outcome();
    }
    try {
      while (!mine.settled) {
        List<Queued<?>> batch = new ArrayList<>();
        for (Queued<?> next; batch.size() < MAX_BATCH && (next = queue.poll()) != null; ) {
          batch.add(next);
        }
        try {
          runner.accept(batch);
        } catch (RuntimeException e) {
          batch.forEach(queued -> queued.crashed(e));
        }
        synchronized (turn) {
          turn.notifyAll(); // the batch's callers return without waiting for the writer
        }
      }
    } finally {
      synchronized (turn) {
        writing = false;
        turn.notifyAll();
      }
    }
    return mine.outcome();
  }

  /** How many writes wait for a batch to take them: for tests. */
  int queued() {
    return queue.size();
  }

  /**
   * Waits until another caller's batch settled {@code mine} (true), or until no batch runs, and
   * then becomes the writer (false). A caller whose write is taken into a batch after its wait
   * ran out still waits for that batch: the write may commit, so its caller must hear how it
   * went.
   */
  private boolean awaitTurn(Queued<?> mine) throws OstoreException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    boolean interrupted = false;
    try {
      synchronized (turn) {
        while (true) {
          if (mine.settled) {
            return true;
          }
          if (!writing) {
            writing = true;
            return false;
          }
          long left = deadline - System.nanoTime();
          if (left <= 0 && queue.remove(mine)) {
            throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE, "no write to the"
                + " metadata store could start within " + maxWait.toSeconds() + " s");
          }
          try {
            // Taken into the running batch once the wait ran out: wait for that batch alone.
            turn.wait(left <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          } catch (InterruptedException e) {
            interrupted = true;
            deadline = System.nanoTime(); // give up the wait as a timeout would
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * One caller's write, and how it went once settled. Settled by the writer's thread; the
   * outcome is written before the volatile {@code settled}, so a caller that sees it settled
   * sees the outcome.
   */
  static final class Queued<T> {
    private final String what;
    private final Database.Work<T> work;
    private volatile boolean settled;
    private T result;
    private OstoreException failure;
    private RuntimeException crash;

    Queued(String what, Database.Work<T> work) {
      this.what = what;
      this.work = work;
    }

    String what() {
      return what;
    }

    Database.Work<T> work() {
      return work;
    }

    void succeeded(T value) {
      result = value;
      settled = true;
    }

    void failed(OstoreException e) {
      failure = e;
      settled = true;
    }

    void crashed(RuntimeException e) {
      if (!settled) {
        crash = e;
        settled = true;
      }
    }

    private T outcome() throws OstoreException {
      if (crash != null) {
        throw crash;
      }
      if (failure != null) {
        throw failure;
      }
      return result;
    }
  }
}
