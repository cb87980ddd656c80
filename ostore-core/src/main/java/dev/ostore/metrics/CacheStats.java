package dev.ostore.metrics;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * What an in-memory cache has served since it was made, for a server's metrics: {@code hits}
 * answered from memory, {@code misses} that had to read what they asked for elsewhere, and the
 * {@code entries} it holds now.
 */
public record CacheStats(long hits, long misses, long entries) {
  public CacheStats {
    checkArgument(hits >= 0 && misses >= 0 && entries >= 0,
        "counts cannot be negative: %s hits, %s misses, %s entries", hits, misses, entries);
  }
}
