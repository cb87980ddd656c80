package dev.ostore.repair;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Holds a stream of transfers to a rate: each transfer books its share of time after the ones
 * before, and waits until the booking is no more than a second ahead of the clock, so that a
 * burst of one second is free and the long-run rate is the setting. Time and waiting are
 * injected: tests move a fake clock instead of sleeping. Not thread-safe: one pass uses it.
 */
final class Throttle {
  /** How the throttle waits; {@code Pause.SLEEP} for real, a fake clock's advance in tests. */
  interface Pause {
    Pause SLEEP = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

    void sleep(Duration duration) throws InterruptedException;
  }

  private static final Duration BURST = Duration.ofSeconds(1);

  private final long bytesPerSecond;
  private final InstantSource clock;
  private final Pause pause;
  private Instant booked;

  Throttle(long bytesPerSecond, InstantSource clock, Pause pause) {
    this.bytesPerSecond = bytesPerSecond;
    this.clock = clock;
    this.pause = pause;
  }

  void spend(long bytes) throws IOException {
    Instant now = clock.instant();
    if (booked == null || booked.isBefore(now)) {
      booked = now;
    }
    booked = booked.plusNanos((long) (bytes * 1e9 / bytesPerSecond));
    Duration ahead = Duration.between(now, booked).minus(BURST);
    if (ahead.isNegative() || ahead.isZero()) {
      return;
    }
    try {
      pause.sleep(ahead);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while throttling the repair");
    }
  }
}
