package dev.ostore.metadata;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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

  private final ReentrantLock writer = new ReentrantLock(true);
  private final Queue<Queued<?>> queue = new ConcurrentLinkedQueue<>();
  private final Duration maxWait;
  private final Consumer<List<Queued<?>>> runner;

  /**
   * Batches run by {@code runner}, which must settle every write of its batch; a caller waits at
   * most {@code maxWait} for its turn.
   */
  GroupCommit(Duration maxWait, Consumer<List<Queued<?>>> runner) {
    this.maxWait = maxWait;
    this.runner = runner;
  }

  /** Runs {@code work} in some batch and returns what it returned there. */
  <T> T write(String what, Database.Work<T> work) throws OstoreException {
    Queued<T> mine = new Queued<>(what, work);
    queue.add(mine);
    awaitTurn(mine);
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
      }
    } finally {
      writer.unlock();
    }
    return mine.outcome();
  }

  /** How many writes wait for a batch to take them: for tests. */
  int queued() {
    return queue.size();
  }

  private void awaitTurn(Queued<?> mine) throws OstoreException {
    try {
      if (writer.tryLock(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (queue.remove(mine)) {
      throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE, "no write to the metadata store"
          + " could start within " + maxWait.toSeconds() + " s");
    }
    // A batch running now holds it: the write may commit, so its caller must hear how it went.
    writer.lock();
  }

  /**
   * One caller's write, and how it went once settled. Settled by the thread holding the writer;
   * read by the caller after it held the writer in turn, which orders the two.
   */
  static final class Queued<T> {
    private final String what;
    private final Database.Work<T> work;
    private boolean settled;
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
