package dev.ostore.client.cli;

import java.util.Arrays;

/**
 * Latency percentiles of a bench run in milliseconds, by the nearest-rank method: the p-th
 * percentile is the smallest sample that at least p percent of the samples do not exceed. With no
 * samples (every operation failed) the values are NaN.
 */
record LatencyStats(int samples, double p50Ms, double p90Ms, double p99Ms, double maxMs) {
  LatencyStats {
    if (samples < 0) {
      throw new IllegalArgumentException("samples (" + samples + ") must not be negative");
    }
  }

  /** The statistics of {@code nanos}, one latency per operation. */
  static LatencyStats of(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new LatencyStats(sorted.length, millis(sorted, 50), millis(sorted, 90),
        millis(sorted, 99), millis(sorted, 100));
  }

  /**
   * The nearest-rank {@code percent}-th percentile (1 to 100) of sorted, non-empty samples. The
   * rank is computed in integers: {@code 0.99 * 100} in doubles is not exactly 99.
   */
  static long percentile(long[] sorted, int percent) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    if (percent < 1 || percent > 100) {
      throw new IllegalArgumentException("percent (" + percent + ") must be from 1 to 100");
    }
    long rank = ((long) percent * sorted.length + 99) / 100;
    return sorted[(int) rank - 1];
  }

  private static double millis(long[] sorted, int percent) {
    return sorted.length == 0 ? Double.NaN : percentile(sorted, percent) / 1e6;
  }
}
