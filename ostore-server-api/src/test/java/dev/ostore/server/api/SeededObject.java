package dev.ostore.server.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An object of {@code size} seeded random bytes, generated whenever read, so that a test can
 * store and check objects of any size without holding them.
 */
final class SeededObject {
  final String name;
  final long size;
  private final long seed;
  private byte[] sha256;

  SeededObject(String name, long size, long seed) {
    this.name = name;
    this.size = size;
    this.seed = seed;
  }

  /** Its bytes, from the start. */
  InputStream stream() {
    return new StreamingTest.SeededStream(size, seed, newDigest());
  }

  /** Its SHA-256, from its bytes generated once more the first time. */
  byte[] sha256() throws IOException {
    if (sha256 == null) {
      MessageDigest digest = newDigest();
      try (InputStream in = new StreamingTest.SeededStream(size, seed, digest)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      sha256 = digest.digest();
    }
    return sha256.clone();
  }

  /** Its SHA-256 in lowercase hex, as content and shard files are named. */
  String hex() throws IOException {
    return HexFormat.of().formatHex(sha256());
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
