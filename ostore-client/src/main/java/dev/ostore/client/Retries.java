package dev.ostore.client;

import static java.util.Objects.requireNonNull;

import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * How many times a transfer whose connection broke, or that the server answered with a 5xx, is
 * taken up again, and how long it waits before each. Shared by downloads and uploads.
 */
record Retries(int times, Duration pause) {
  static final Retries NONE = new Retries(0, Duration.ZERO);

  Retries {
    if (times < 0) {
      throw new IllegalArgumentException("times (" + times + ") must not be negative");
    }
    requireNonNull(pause, "pause");
    if (pause.isNegative()) {
      throw new IllegalArgumentException("pause (" + pause + ") must not be negative");
    }
  }

  /** The most a pause is doubled: 32 times, half a minute for the default second. */
  private static final int MAX_DOUBLINGS = 5;

  /**
   * Waits before retry {@code retry} (1, 2, ...) of failures in a row: the pause, doubled for
   * each retry after the first, up to {@link #MAX_DOUBLINGS} times. An interrupt ends the wait
   * as an {@link InterruptedIOException}.
   */
  void sleepBefore(int retry) throws InterruptedIOException {
    try {
      Thread.sleep(pause.toMillis() << Math.min(Math.max(retry - 1, 0), MAX_DOUBLINGS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("interrupted");
      interrupted.initCause(e);
      throw interrupted;
    }
  }
}
