package dev.ostore.metrics;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.concurrent.atomic.LongAdder;

/**
 * A count that only goes up, such as requests answered or bytes sent. Adding takes no lock:
 * threads add to cells of their own, summed only when the count is read.
 */
public final class Counter {
  private final LongAdder count = new LongAdder();

  Counter() {}

  public void increment() {
    count.increment();
  }

  /** Adds {@code n}, which must not be negative: a counter never goes down. */
  public void add(long n) {
    checkArgument(n >= 0, "a counter cannot go down by %s", n);
    count.add(n);
  }

  public long value() {
    return count.sum();
  }
}
