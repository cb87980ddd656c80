package dev.ostore.client;

import static java.util.Objects.requireNonNull;

/**
 * One version of a named object, as the server recorded it. Versions of a name are numbered 1,
 * 2, 3... in the order they were stored, and every one stays readable by its number. {@code hash}
 * is the base64 SHA-256 of the version's bytes, as the {@code Digest} header carries it; it is
 * empty for a tombstone, the version at which the object was deleted, whose size is 0.
 */
public record ObjectVersion(String name, long version, long size, String hash) {
  public ObjectVersion {
    requireNonNull(name, "name");
    requireNonNull(hash, "hash");
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

  /** Whether this version is a tombstone: the object was deleted at this version. */
  public boolean isDeleted() {
    return hash.isEmpty();
  }
}
