package dev.ostore.client;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * What {@link OstoreClient#head} learns about a version of an object without reading it: its
 * number, its size in bytes, the base64 SHA-256 of its bytes and, when the server says, its
 * {@code Last-Modified}: when it was written, to the second. A deleted object has no head (the
 * server answers 404), so the hash is never empty.
 */
public record ObjectInfo(String name, long version, long size, String hash,
    Optional<Instant> lastModified) {
  public ObjectInfo {
    requireNonNull(name, "name");
    requireNonNull(hash, "hash");
    requireNonNull(lastModified, "lastModified");
    if (version < 1) {
      throw new IllegalArgumentException("version (" + version + ") must be at least 1");
    }
    if (size < 0) {
      throw new IllegalArgumentException("size (" + size + ") must not be negative");
    }
    if (!Sha256.isBase64(hash)) {
      throw new IllegalArgumentException("hash is not a base64 SHA-256: " + hash);
    }
  }

  /** A head without a {@code Last-Modified}, as a server that does not say describes it. */
  public ObjectInfo(String name, long version, long size, String hash) {
    this(name, version, size, hash, Optional.empty());
  }
}
