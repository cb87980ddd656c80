package dev.ostore.client.cli;

import java.time.Duration;
import java.util.Optional;

/**
 * How {@code bench} warms up before it starts the clock: at most {@code operations} untimed
 * operations, and, when {@code time} is given, none started once that much time has passed. A
 * count alone suits a server and client that are warm already; the default, a few seconds, lets
 * the JIT compile the client's and the servers' paths first, which took about 10,000 small GETs
 * here (the first thousands ran at half the later rate).
 */
record Warmup(int operations, Optional<Duration> time) {
  static final Duration DEFAULT_TIME = Duration.ofSeconds(3);

  Warmup {
    if (operations < 0) {
      throw new IllegalArgumentException("warmup (" + operations + ") must not be negative");
    }
    if (time == null) {
      throw new IllegalArgumentException("warmup time is missing");
    }
    time.filter(t -> t.isNegative() || t.isZero()).ifPresent(t -> {
      throw new IllegalArgumentException("warmup time (" + t.toMillis() + " ms) must be positive");
    });
  }

  /** Exactly {@code operations} untimed operations. */
  static Warmup operations(int operations) {
    return new Warmup(operations, Optional.empty());
  }

  /** Untimed operations, at most {@code count} of them, for {@code time}. */
  static Warmup forTime(Duration time, int count) {
    return new Warmup(count, Optional.of(time));
  }

  /**
   * {@code --warmup}: a number of operations ({@code 500}) or a time ({@code 5s}, {@code 800ms});
   * no time at all ({@code 0s}) is no warm-up, as {@code 0} is.
   */
  static Warmup parse(String text, int count) {
    String value = text.strip();
    if (value.matches("[0-9]{1,9}")) {
      return operations(Integer.parseInt(value));
    }
    Duration time;
    try {
      time = DurationText.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--warmup is neither a number of operations nor a time like 5s: " + text, e);
    }
    return time.isZero() ? operations(0) : forTime(time, count);
  }
}
