package dev.ostore.metrics;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * How a measure (a request's duration, say) is spread over fixed buckets: each observation adds
 * one to the first bucket whose upper bound it does not exceed, or to the last, unbounded one, and
 * its value to the sum. Observing takes no lock.
 */
public final class Histogram {
  private final double[] bounds;
  /** Per bucket, not cumulative: the last cell counts what exceeds every bound. */
  private final LongAdder[] counts;
  private final DoubleAdder sum = new DoubleAdder();

  Histogram(double[] bounds) {
    this.bounds = bounds;
    this.counts = new LongAdder[bounds.length + 1];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** Checks that {@code bounds} are finite and strictly increasing; returns a copy. */
  static double[] checkBounds(double[] bounds) {
    checkArgument(bounds.length > 0, "a histogram needs at least one bucket bound");
    for (int i = 0; i < bounds.length; i++) {
      checkArgument(Double.isFinite(bounds[i]), "bucket bound %s is not finite", bounds[i]);
      checkArgument(i == 0 || bounds[i] > bounds[i - 1],
          "bucket bounds must increase: %s after %s", bounds[i], i == 0 ? "" : bounds[i - 1]);
    }
    return bounds.clone();
  }

  public void observe(double value) {
    int bucket = 0;
    // A dozen bounds or so: a scan beats a binary search's branches.
    while (bucket < bounds.length && value > bounds[bucket]) {
      bucket++;
    }
    counts[bucket].increment();
    sum.add(value);
  }

  /** The counts now, cumulative as the exposition format has them. */
  Snapshot snapshot() {
    long[] cumulative = new long[counts.length];
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      total += counts[i].sum();
      cumulative[i] = total;
    }
    return new Snapshot(bounds, cumulative, sum.sum());
  }

  /**
   * The histogram at one moment. Its count is the last cumulative bucket's, so the two always
   * agree even while observations race the read; the sum may be a few observations apart.
   */
  record Snapshot(double[] bounds, long[] cumulative, double sum) {
    long count() {
      return cumulative[cumulative.length - 1];
    }
  }
}
