package dev.ostore.client;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * SHA-256 digests in base64, the form of the {@code Digest: SHA-256=...} header both ways, of
 * version lines and of {@link ObjectVersion#hash()}.
 */
final class Sha256 {
  private static final int BYTES = 32;
  private static final String DIGEST_ENTRY = "sha-256=";
  private static final String CONTENT_DIGEST_ENTRY = "sha-256=:";

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
    return base64(newDigest().digest(bytes));
  }

  /** Reads {@code file} once, in blocks, to its end. */
  static FileDigest of(Path file) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[OstoreClient.BUFFER_SIZE];
    long size = 0;
    try (InputStream in = FileStreams.reading(file)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
        size += n;
      }
    }
    return new FileDigest(size, base64(digest.digest()));
  }

  static String base64(byte[] digest) {
    return Base64.getEncoder().encodeToString(digest);
  }

  /** Whether {@code text} is a SHA-256 in standard base64 exactly as the server writes it. */
  static boolean isBase64(String text) {
    if (text.length() != 44) {
      return false;
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(text);
      // Also refuses unused low bits set in the last character: one hash, one spelling.
      return bytes.length == BYTES && base64(bytes).equals(text);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The SHA-256 an answer declares for its body: the {@code SHA-256=} entry of its {@code Digest}
   * header (RFC 3230), else the {@code sha-256=:...:} entry of its {@code Content-Digest} header
   * (RFC 9530); empty when neither has one. A malformed entry is an {@link IOException}.
   */
  static Optional<String> declared(String digest, String contentDigest) throws IOException {
    Optional<String> fromDigest = entry(digest, DIGEST_ENTRY, "");
    return fromDigest.isPresent() ? fromDigest : entry(contentDigest, CONTENT_DIGEST_ENTRY, ":");
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java runtime must provide SHA-256", e);
    }
  }

  private static Optional<String> entry(String header, String prefix, String suffix)
      throws IOException {
    if (header == null) {
      return Optional.empty();
    }
    for (String entry : header.split(",")) {
      String trimmed = entry.strip();
      if (trimmed.toLowerCase(Locale.ROOT).startsWith(prefix)) {
        String value = trimmed.substring(prefix.length());
        if (value.endsWith(suffix)) {
          value = value.substring(0, value.length() - suffix.length());
          if (isBase64(value)) {
            return Optional.of(value);
          }
        }
        throw new IOException("malformed digest header: " + header);
      }
    }
    return Optional.empty();
  }
}
