package dev.ostore.repair;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;

/**
 * How the repair service runs: a pass every {@code interval}; shards on a data server not heard
 * from for {@code after} are rebuilt elsewhere (a server down for less may come back with them);
 * at most {@code bytesPerSecond} read plus written; one pass per cluster, under a lease of {@code
 * leaseTerm} renewed as it goes; the table of contents and the listings read {@code pageSize}
 * entries at a time.
 */
public record RepairSettings(Duration interval, Duration after, long bytesPerSecond,
    Duration leaseTerm, int pageSize) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
  public static final Duration DEFAULT_AFTER = Duration.ofMinutes(15);
  public static final long DEFAULT_RATE = 50_000_000;
  /** Long against clock skew between api servers, short against a holder that died. */
  public static final Duration DEFAULT_LEASE_TERM = Duration.ofMinutes(2);
  public static final int DEFAULT_PAGE_SIZE = 1000;

  public RepairSettings {
    checkArgument(positive(interval), "the repair interval must be positive: %s", interval);
    checkArgument(after != null && !after.isNegative(), "REPAIR_AFTER must not be negative: %s",
        after);
    checkArgument(bytesPerSecond > 0, "the repair rate must be positive: %s", bytesPerSecond);
    checkArgument(positive(leaseTerm), "the lease term must be positive: %s", leaseTerm);
    checkArgument(pageSize >= 1 && pageSize <= 10_000, "page size must be 1 to 10000: %s",
        pageSize);
  }

  /** The defaults but for the three an operator sets. */
  public static RepairSettings of(Duration interval, Duration after, long bytesPerSecond) {
    return new RepairSettings(interval, after, bytesPerSecond, DEFAULT_LEASE_TERM,
        DEFAULT_PAGE_SIZE);
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }
}
