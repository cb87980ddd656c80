package dev.ostore.client;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** SHA-256 digests in base64, the form of the {@code Digest: SHA-256=...} request header. */
final class Sha256 {
  private Sha256() {}

  /** A file's digest with the number of bytes it covers, which is what the upload must send. */
  record FileDigest(long size, String base64) {
    FileDigest {
      requireNonNull(base64, "base64");
      if (size < 0) {
        throw new IllegalArgumentException("size (" + size + ") must not be negative");
      }
    }
  }

  static String of(byte[] bytes) {
    return Base64.getEncoder().encodeToString(newDigest().digest(bytes));
  }

  /** Reads {@code file} once, in blocks, to its end. */
  static FileDigest of(Path file) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[OstoreClient.BUFFER_SIZE];
    long size = 0;
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
        size += n;
      }
    }
    return new FileDigest(size, Base64.getEncoder().encodeToString(digest.digest()));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java runtime must provide SHA-256", e);
    }
  }
}
