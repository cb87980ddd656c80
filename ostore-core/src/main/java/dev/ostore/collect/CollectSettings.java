package dev.ostore.collect;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * How collection runs: a pass every {@code interval}; content is collected once no version has
 * referred to it for {@code grace} (and shards that no recorded write owns once written that
 * long ago); each name keeps its newest {@code keepVersions} versions (every version when 0) and
 * those younger than {@code maxAge}, if present; at most {@code contentsPerSecond} contents
 * looked at (0: no limit); one pass per cluster, under a lease of {@code leaseTerm} renewed as it
 * goes; the metadata store and the listings are read {@code pageSize} entries at a time.
 */
public record CollectSettings(Duration interval, Duration grace, int keepVersions,
    Optional<Duration> maxAge, long contentsPerSecond, int pageSize, Duration leaseTerm) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
  public static final Duration DEFAULT_GRACE = Duration.ofHours(1);
  /** Every version is kept: an upgrade must never remove versions by itself. */
  public static final int DEFAULT_KEEP = 0;
  public static final long DEFAULT_RATE = 50;
  /** Long against clock skew between api servers, short against a holder that died. */
  public static final Duration DEFAULT_LEASE_TERM = Duration.ofMinutes(2);
  public static final int DEFAULT_PAGE_SIZE = 1000;

  public CollectSettings {
    checkArgument(positive(interval), "the collect interval must be positive: %s", interval);
    checkArgument(grace != null && !grace.isNegative(), "COLLECT_GRACE must not be negative: %s",
        grace);
    checkArgument(keepVersions >= 0, "VERSIONS_KEPT must not be negative: %s", keepVersions);
    requireNonNull(maxAge, "maxAge");
    checkArgument(maxAge.map(CollectSettings::positive).orElse(true),
        "VERSIONS_MAX_AGE must be positive: %s", maxAge.orElse(null));
    checkArgument(contentsPerSecond >= 0, "COLLECT_RATE must not be negative: %s",
        contentsPerSecond);
    checkArgument(pageSize >= 1 && pageSize <= 10_000, "page size must be 1 to 10000: %s",
        pageSize);
    checkArgument(positive(leaseTerm), "the lease term must be positive: %s", leaseTerm);
  }

  /** The defaults but for the five an operator sets. */
  public static CollectSettings of(Duration interval, Duration grace, int keepVersions,
      Optional<Duration> maxAge, long contentsPerSecond) {
    return new CollectSettings(interval, grace, keepVersions, maxAge, contentsPerSecond,
        DEFAULT_PAGE_SIZE, DEFAULT_LEASE_TERM);
  }

  /** The defaults: a pass an hour, an hour's grace, every version kept. */
  public static CollectSettings defaults() {
    return of(DEFAULT_INTERVAL, DEFAULT_GRACE, DEFAULT_KEEP, Optional.empty(), DEFAULT_RATE);
  }

  /** Whether the retention rule removes anything at all. */
  public boolean retains() {
    return keepVersions > 0 || maxAge.isPresent();
  }

  private static boolean positive(Duration d) {
    return d != null && !d.isNegative() && !d.isZero();
  }
}
