package dev.ostore.object;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link TransferLimit#of}: a fair semaphore of slots, so that transfers waiting are served in
 * the order they came rather than one of them waiting in vain while later ones go first.
 */
final class SemaphoreTransferLimit implements TransferLimit {
  private final int most;
  private final Duration wait;
  private final Semaphore slots;
  private final LongAdder refused = new LongAdder();

  SemaphoreTransferLimit(int most, Duration wait) {
    if (most < 1) {
      throw new IllegalArgumentException("most (" + most + ") must be positive");
    }
    if (Objects.requireNonNull(wait, "wait").isNegative()) {
      throw new IllegalArgumentException("wait (" + wait + ") must not be negative");
    }
    this.most = most;
    this.wait = wait;
    this.slots = new Semaphore(most, true);
  }

  @Override
  public Slot take(Object what) throws IOException {
    try {
      if (!slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
        refused.increment();
        throw new OstoreException(ErrorCode.BUSY, "too many transfers in progress on this server ("
            + most + ", none ended within " + wait.toMillis() + " ms) to take " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to transfer " + what);
    }
    AtomicBoolean given = new AtomicBoolean();
    return () -> {
      if (given.compareAndSet(false, true)) {
        slots.release();
      }
    };
  }

  @Override
  public int most() {
    return most;
  }

  @Override
  public int running() {
    return most - slots.availablePermits();
  }

  @Override
  public long refused() {
    return refused.sum();
  }

  @Override
  public String toString() {
    return "at most " + most + " transfers, waiting up to " + wait.toMillis() + " ms";
  }
}
