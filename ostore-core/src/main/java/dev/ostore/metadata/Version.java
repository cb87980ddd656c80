package dev.ostore.metadata;

import static java.util.Objects.requireNonNull;

import dev.ostore.ContentHash;
import java.util.Optional;

/**
 * One version of a named object: versions of a name are numbered 1, 2, 3... in the order they
 * were added. A version without a hash is a tombstone: the object was deleted at this version, and
 * its size is 0. Sizes are 64-bit, so objects of many TiB are described exactly.
 */
public record Version(String name, long number, long size, Optional<ContentHash> hash) {
  public Version {
    requireNonNull(name, "name");
    requireNonNull(hash, "hash");
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
}
