package dev.ostore.pass;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Holds a stream of work to a rate (bytes, contents: whatever a pass counts): each piece books
 * its share of time after the ones before, and waits until the booking is no more than a second
 * ahead of the clock, so that a burst of one second is free and the long-run rate is the
 * setting. A rate of 0 holds nothing back. Time and waiting are injected: tests move a fake
 * clock instead of sleeping. Not thread-safe: one pass uses it.
 */
public final class Throttle {
  /** How the throttle waits; {@code Pause.SLEEP} for real, a fake clock's advance in tests. */
  public interface Pause {
    Pause SLEEP = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

    void sleep(Duration duration) throws InterruptedException;
  }

  private static final Duration BURST = Duration.ofSeconds(1);

  private final long perSecond;
  private final InstantSource clock;
  private final Pause pause;
  private Instant booked;

  /** A throttle to {@code perSecond} units a second, or none when that is 0. */
  public Throttle(long perSecond, InstantSource clock, Pause pause) {
    if (perSecond < 0) {
      throw new IllegalArgumentException("negative rate " + perSecond);
    }
    this.perSecond = perSecond;
    this.clock = clock;
    this.pause = pause;
  }

  /** Books {@code units} of work, waiting if the rate is ahead of the clock. */
  public void spend(long units) throws IOException {
    if (perSecond == 0) {
      return;
    }
    Instant now = clock.instant();
    if (booked == null || booked.isBefore(now)) {
      booked = now;
    }
    booked = booked.plusNanos((long) (units * 1e9 / perSecond));
    Duration ahead = Duration.between(now, booked).minus(BURST);
    if (ahead.isNegative() || ahead.isZero()) {
      return;
    }
    try {
      pause.sleep(ahead);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while throttled");
    }
  }
}
