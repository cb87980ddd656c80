package dev.ostore.heartbeat;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link InstantSource} that stands still until a test moves it with {@link #advance}, so
 * that tests of expiry never sleep. Thread-safe: the code under test may read it on its own
 * threads while the test advances it.
 */
public final class FakeClock implements InstantSource {
  /** Where a clock made with {@link #FakeClock()} starts; any fixed instant would do. */
  public static final Instant START = Instant.parse("2024-01-01T00:00:00Z");

  private final AtomicReference<Instant> now;

  /** A clock showing {@link #START}. */
  public FakeClock() {
    this(START);
  }

  public FakeClock(Instant start) {
    this.now = new AtomicReference<>(requireNonNull(start, "start"));
  }

  /** Moves the clock forward by {@code step}, which must not be negative. */
  public void advance(Duration step) {
    checkArgument(step != null && !step.isNegative(), "step (%s) must not be negative", step);
    now.updateAndGet(t -> t.plus(step));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public String toString() {
    return "FakeClock(" + now.get() + ")";
  }
}
