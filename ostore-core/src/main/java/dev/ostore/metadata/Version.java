package dev.ostore.metadata;

import static java.util.Objects.requireNonNull;

import dev.ostore.ContentHash;
import dev.ostore.OstoreException;
import dev.ostore.Precondition;
import java.time.Instant;
import java.util.Optional;

/**
 * One version of a named object: versions of a name are numbered 1, 2, 3... in the order they
 * were added. A version without a hash is a tombstone: the object was deleted at this version, and
 * its size is 0. Sizes are 64-bit, so objects of many TiB are described exactly. {@code created}
 * is when the version was recorded, to the millisecond: while it is the latest, the object's
 * {@code Last-Modified}, since a version never changes.
 */
public record Version(String name, long number, long size, Optional<ContentHash> hash,
    Instant created) {
  public Version {
    requireNonNull(name, "name");
    requireNonNull(hash, "hash");
    requireNonNull(created, "created");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("version of an empty name");
    }
    if (number < 1) {
      throw new IllegalArgumentException("version number must be at least 1: " + number);
    }
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    if (hash.isEmpty() && size != 0) {
      throw new IllegalArgumentException("a tombstone has size 0, not " + size);
    }
  }

  /** Whether the object was deleted at this version. */
  public boolean isTombstone() {
    return hash.isEmpty();
  }

  /** Whether {@code condition} lets a write go ahead with {@code live} the name's live version. */
  static boolean allows(Precondition condition, Optional<Version> live) {
    return condition.holds(live.flatMap(Version::hash), live.map(Version::created));
  }

  /**
   * The error of a write of {@code name} that {@code condition} refused with {@code live} the
   * name's live version (empty: none): a 412 that says what is current.
   */
  static OstoreException refusal(Precondition condition, String name, Optional<Version> live) {
    return condition.refused(name, live.map(Version::number).orElse(0L),
        live.flatMap(Version::hash), live.map(Version::created));
  }
}
