package dev.ostore.scrub;

import dev.ostore.ShardId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link Scrubber} has done since its server started: its rate, the pass under way or last
 * finished, how many shards and bytes it checked, and the corrupt shards it found (all counted;
 * the latest {@value Scrubber#RECENT_CORRUPT} named) and the shards it could not read.
 */
public record ScrubReport(long bytesPerSecond, long passesFinished,
    Optional<Instant> passStarted, Optional<Instant> passFinished, long shardsChecked,
    long bytesChecked, long corruptFound, List<ShardId> recentCorrupt, long unreadable) {
  public ScrubReport {
    if (bytesPerSecond < 0 || passesFinished < 0 || shardsChecked < 0 || bytesChecked < 0
        || corruptFound < 0 || unreadable < 0) {
      throw new IllegalArgumentException("a scrub report counts nothing negative");
    }
    recentCorrupt = List.copyOf(recentCorrupt);
  }
}
