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

  /** Waits the pause; an interrupt ends the wait as an {@link InterruptedIOException}. */
  void sleep() throws InterruptedIOException {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("interrupted");
      interrupted.initCause(e);
      throw interrupted;
    }
  }
}
