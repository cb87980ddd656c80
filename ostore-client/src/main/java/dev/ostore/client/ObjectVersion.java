package dev.ostore.client;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One version of a named object, as the server recorded it. Versions of a name are numbered 1,
 * 2, 3... in the order they were stored, and every one stays readable by its number. {@code hash}
 * is the base64 SHA-256 of the version's bytes, as the {@code Digest} header carries it; it is
 * empty for a tombstone, the version at which the object was deleted, whose size is 0. {@code
 * created} is when the server recorded the version, to the millisecond; empty from a server that
 * does not say (the reference system, ostore before versions carried it), and for a resumable
 * upload found finished after its connection broke.
 */
public record ObjectVersion(String name, long version, long size, String hash,
    Optional<Instant> created) {
  public ObjectVersion {
    requireNonNull(name, "name");
    requireNonNull(hash, "hash");
    requireNonNull(created, "created");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name is empty");
    }
    if (version < 1) {
      throw new IllegalArgumentException("version (" + version + ") must be at least 1");
    }
    if (size < 0) {
      throw new IllegalArgumentException("size (" + size + ") must not be negative");
    }
    if (hash.isEmpty() ? size != 0 : !Sha256.isBase64(hash)) {
      throw new IllegalArgumentException(hash.isEmpty()
          ? "a tombstone has size 0, not " + size
          : "hash is not a base64 SHA-256: " + hash);
    }
  }

  /** A version whose time is not known, as a server that does not say describes it. */
  public ObjectVersion(String name, long version, long size, String hash) {
    this(name, version, size, hash, Optional.empty());
  }

  /** Whether this version is a tombstone: the object was deleted at this version. */
  public boolean isDeleted() {
    return hash.isEmpty();
  }
}
