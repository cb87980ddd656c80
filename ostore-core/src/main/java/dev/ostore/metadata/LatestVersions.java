package dev.ostore.metadata;

import com.google.common.cache.CacheBuilder;
import dev.ostore.OstoreException;
import dev.ostore.metrics.CacheStats;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The latest version of names read lately, kept in memory for a metadata store whose database
 * only this process writes, so that a GET of a name read before asks the database nothing. Every
 * write of a name's versions forgets the name once it has ended; a read that a write overlapped
 * keeps nothing: it marks the name before it reads, and keeps what it read only if the mark is
 * still there (a write that ended after the read began removed it).
 */
final class LatestVersions {
  /** The most names kept: a few megabytes, against a database of any size. */
  static final int NAMES = 16_384;

  /** A name's latest version, or, with none, a read of it under way. */
  private static final class Slot {
    final Optional<Version> version;

    Slot(Optional<Version> version) {
      this.version = version;
    }
  }

  /** A read of the latest version from the database. */
  interface Read {
    Optional<Version> latest() throws OstoreException;
  }

  private final ConcurrentMap<String, Slot> slots =
      CacheBuilder.newBuilder().maximumSize(NAMES).<String, Slot>build().asMap();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /** The latest version of {@code name}: kept, or read with {@code read} and kept if it may. */
  Optional<Version> latest(String name, Read read) throws OstoreException {
    Slot kept = slots.get(name);
    if (kept != null && kept.version != null) {
      hits.increment();
      return kept.version;
    }
    misses.increment();
    Slot reading = new Slot(null);
    // Another read of the name under way marked it already: this one reads and keeps nothing.
    boolean marked = slots.putIfAbsent(name, reading) == null;
    try {
      Optional<Version> version = read.latest();
      if (marked) {
        slots.replace(name, reading, new Slot(version));
      }
      return version;
    } finally {
      if (marked) {
        slots.remove(name, reading);
      }
    }
  }

  /**
   * Reads answered from memory and from the database so far, and the names held (with any whose
   * read is under way).
   */
  CacheStats stats() {
    return new CacheStats(hits.sum(), misses.sum(), slots.size());
  }

  /** To be called once a write of {@code name}'s versions has ended, committed or not. */
  void forget(String name) {
    slots.remove(name);
  }
}
