package dev.ostore.metadata;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Writes of concurrent callers to a database with one writer, run in batches: whoever holds the
 * writer takes every write queued meanwhile (up to {@link #MAX_BATCH}) and hands them to the
 * runner as one batch, which can then share one commit, and so one forced write of the log,
 * instead of one each. A caller returns only once its own write was settled. Alone, a caller's
 * write is a batch of one and waits for nobody.
 *
 * <p>Each waiting caller is woken alone: by the writer that settled its write, or to become the
 * writer when the one before it is done. Waiting on one monitor instead, every batch woke every
 * waiter, most of them only to wait again, and a thread woken costs tens of microseconds on a
 * virtual machine (docs/benchmarks.md, section 43).
 */
final class GroupCommit {
  /** The most writes one batch takes: bounds how long the first of them waits for the rest. */
  static final int MAX_BATCH = 64;

  private final Queue<Queued<?>> queue = new ConcurrentLinkedQueue<>();
  /** Whether a caller holds the writer, or is being handed it. */
  private final AtomicBoolean writing = new AtomicBoolean();
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
    Queued<T> mine = new Queued<>(what, work, Thread.currentThread());
    queue.add(mine);
    if (writing.compareAndSet(false, true) || awaitTurn(mine)) {
      try {
        writeUntilSettled(mine);
      } finally {
        passWriterOn();
      }
    }
    return mine.outcome();
  }

  /** How many writes wait for a batch to take them: for tests. */
  int queued() {
    return queue.size();
  }

  /** Runs batches, holding the writer, until one of them settled {@code mine}. */
  private void writeUntilSettled(Queued<?> mine) {
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
      for (Queued<?> queued : batch) {
        if (queued != mine) {
          LockSupport.unpark(queued.caller); // it returns without waiting for the writer
        }
      }
    }
  }

  /**
   * Gives up the writer: to the first queued caller still waiting, woken to take it, or to
   * nobody. A caller that queues meanwhile finds the writer free, or is in the queue when it is
   * looked at.
   */
  private void passWriterOn() {
    while (true) {
      writing.set(false);
      if (queue.isEmpty() || !writing.compareAndSet(false, true)) {
        return;
      }
      for (Queued<?> next : queue) {
        if (next.handOver()) {
          LockSupport.unpark(next.caller);
          return;
        }
      }
      Thread.onSpinWait(); // all queued callers gave up waiting, and are leaving the queue
    }
  }

  /**
   * Waits until another caller's batch settled {@code mine} (false), or until it is handed the
   * writer (true). A caller whose write is taken into a batch after its wait ran out still
   * waits for that batch: the write may commit, so its caller must hear how it went.
   */
  private boolean awaitTurn(Queued<?> mine) throws OstoreException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    boolean interrupted = false;
    try {
      while (true) {
        if (mine.settled) {
          return false;
        }
        if (mine.handedOver()) {
          return true;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || interrupted) { // an interrupt gives up the wait as a timeout would
          if (!mine.giveUp()) {
            return true; // handed the writer meanwhile
          }
          if (queue.remove(mine)) {
            throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE, "no write to the"
                + " metadata store could start within " + maxWait.toSeconds() + " s");
          }
          interrupted |= awaitSettled(mine); // taken into the running batch: wait for it alone
          return false;
        }
        LockSupport.parkNanos(this, left);
        interrupted |= Thread.interrupted();
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits, interrupts or not, until {@code mine} is settled; returns whether interrupted. */
  private boolean awaitSettled(Queued<?> mine) {
    boolean interrupted = false;
    while (!mine.settled) {
      LockSupport.park(this);
      interrupted |= Thread.interrupted();
    }
    return interrupted;
  }

  /**
   * One caller's write, and how it went once settled. Settled by the writer's thread; the
   * outcome is written before the volatile {@code settled}, so a caller that sees it settled
   * sees the outcome.
   */
  static final class Queued<T> {
    private static final int WAITING = 0;
    private static final int HANDED_OVER = 1;
    private static final int GAVE_UP = 2;

    private final String what;
    private final Database.Work<T> work;
    /** The thread that waits for it. */
    private final Thread caller;
    /** Whether it was handed the writer, or gave up waiting for a batch: set once. */
    private final AtomicInteger turn = new AtomicInteger(WAITING);
    private volatile boolean settled;
    private T result;
    private OstoreException failure;
    private RuntimeException crash;

    Queued(String what, Database.Work<T> work, Thread caller) {
      this.what = what;
      this.work = work;
      this.caller = caller;
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

    /** Hands it the writer, unless it gave up waiting: then false. */
    private boolean handOver() {
      return turn.compareAndSet(WAITING, HANDED_OVER);
    }

    private boolean handedOver() {
      return turn.get() == HANDED_OVER;
    }

    /** Gives up waiting, unless it was handed the writer: then false. */
    private boolean giveUp() {
      return turn.compareAndSet(WAITING, GAVE_UP);
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
