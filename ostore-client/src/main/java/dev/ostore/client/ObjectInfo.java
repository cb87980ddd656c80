package dev.ostore.client;

import static java.util.Objects.requireNonNull;

/**
 * What {@link OstoreClient#head} learns about a version of an object without reading it: its
 * number, its size in bytes and the base64 SHA-256 of its bytes. A deleted object has no head
 * (the server answers 404), so the hash is never empty.
 */
public record ObjectInfo(String name, long version, long size, String hash) {
  public ObjectInfo {
    requireNonNull(name, "name");
    requireNonNull(hash, "hash");
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
}
