package dev.ostore.metadata;

import com.google.common.cache.CacheBuilder;
import dev.ostore.OstoreException;
import dev.ostore.metrics.CacheStats;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The latest version of names read or written lately, kept in memory for a metadata store whose
 * database only this process writes, so that a GET of a name read or written before asks the
 * database nothing. A write that added a version keeps it once committed; any other write of a
 * name's versions (a deletion, a removal, a write that failed) forgets the name once it has
 * ended. A read that a write overlapped keeps nothing: it marks the name before it reads, and
 * keeps what it read only if the mark is still there (a write that ended after the read began
 * replaced or removed it).
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
  /** How many times a name was forgotten: what {@link #added} checks its write's mark against. */
  private final AtomicLong forgets = new AtomicLong();

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

  /** The mark to take before a write of versions begins, for {@link #added}. */
  long mark() {
    return forgets.get();
  }

  /**
   * To be called once a write that began at {@code mark} committed {@code version}, then the
   * latest of its name: keeps it, unless a newer version of the name is kept already or any name
   * was forgotten since the mark. Then the name is forgotten instead: a deletion or removal that
   * committed after this write may have ended before it, and this version may be gone.
   */
  void added(Version version, long mark) {
    slots.compute(version.name(), (name, kept) -> {
      if (forgets.get() != mark) {
        return null;
      }
      boolean newerKept = kept != null && kept.version != null && kept.version.isPresent()
          && kept.version.get().number() >= version.number();
      return newerKept ? kept : new Slot(Optional.of(version));
    });
  }

  /**
   * To be called once any other write of {@code name}'s versions has ended, committed or not.
   * The count goes first, so that a version added meanwhile is either kept before the name is
   * forgotten, or not kept at all.
   */
  void forget(String name) {
    forgets.incrementAndGet();
    slots.remove(name);
  }
}
