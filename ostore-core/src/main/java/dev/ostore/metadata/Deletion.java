package dev.ostore.metadata;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What {@link MetadataStore#delete} did. Either it {@code recorded} a tombstone, given in {@code
 * tombstone}; or it recorded nothing because the name had no live object, and {@code tombstone}
 * is the name's latest version as the delete itself found it (a tombstone), empty when the name
 * never existed. Found in the same atomic step as the failed delete, it never names a version
 * written after the delete looked.
 */
public record Deletion(boolean recorded, Optional<Version> tombstone) {
  public Deletion {
    requireNonNull(tombstone, "tombstone");
    if (recorded && tombstone.isEmpty()) {
      throw new IllegalArgumentException("a recorded deletion has its tombstone");
    }
    if (tombstone.isPresent() && !tombstone.get().isTombstone()) {
      throw new IllegalArgumentException("not a tombstone: " + tombstone.get());
    }
  }

  /** A tombstone recorded as the name's newest version. */
  static Deletion recorded(Version tombstone) {
    return new Deletion(true, Optional.of(tombstone));
  }

  /** Nothing recorded: the name's latest version was {@code tombstone} already. */
  static Deletion deletedAlready(Version tombstone) {
    return new Deletion(false, Optional.of(tombstone));
  }

  /** Nothing recorded: the name never existed. */
  static Deletion neverExisted() {
    return new Deletion(false, Optional.empty());
  }
}
