package dev.ostore.http;

import dev.ostore.ContentHash;
import dev.ostore.OstoreException;
import java.util.Optional;

/**
 * The headers that carry an object's SHA-256: the reference system's {@code Digest:
 * SHA-256=<base64>} (RFC 3230) and RFC 9530's {@code Content-Digest: sha-256=:<base64>:}, both
 * read and both written, and the {@code ETag} derived from the hash.
 */
public final class DigestHeaders {
  public static final String DIGEST = "Digest";
  public static final String CONTENT_DIGEST = "Content-Digest";

  private DigestHeaders() {}

  /**
   * The SHA-256 the request declares, if any. A header without a SHA-256 entry declares nothing;
   * a malformed value, or two headers that disagree, is a {@code BAD_REQUEST}.
   */
  public static Optional<ContentHash> read(Exchange exchange) throws OstoreException {
    Optional<ContentHash> digest;
    Optional<ContentHash> contentDigest;
    try {
      digest = exchange.header(DIGEST).flatMap(value -> entry(value, "sha-256=", "", DIGEST));
      contentDigest = exchange.header(CONTENT_DIGEST)
          .flatMap(value -> entry(value, "sha-256=:", ":", CONTENT_DIGEST));
    } catch (IllegalArgumentException e) {
      throw OstoreException.badRequest(e.getMessage());
    }
    if (digest.isPresent() && contentDigest.isPresent() && !digest.equals(contentDigest)) {
      throw OstoreException.badRequest(
          "the Digest and Content-Digest headers give different SHA-256s");
    }
    return digest.isPresent() ? digest : contentDigest;
  }

  /** Sets {@code Digest}, {@code Content-Digest} and {@code ETag} for {@code hash}. */
  public static void write(Exchange exchange, ContentHash hash) {
    exchange.setHeader(DIGEST, "SHA-256=" + hash.base64());
    exchange.setHeader(CONTENT_DIGEST, "sha-256=:" + hash.base64() + ":");
    exchange.setHeader("ETag", etag(hash));
  }

  /**
   * Sets {@code Digest} (the SHA-256 of the object's bytes, which the client has once it
   * decoded them) and the {@code ETag} of content with {@code hash} sent gzip; not {@code
   * Content-Digest}, which RFC 9530 defines over the bytes as sent.
   */
  public static void writeGzip(Exchange exchange, ContentHash hash) {
    exchange.setHeader(DIGEST, "SHA-256=" + hash.base64());
    exchange.setHeader("ETag", gzipEtag(hash));
  }

  /** The entity tag of content with this hash: its base64 SHA-256, quoted. */
  public static String etag(ContentHash hash) {
    return "\"" + hash.base64() + "\"";
  }

  /**
   * The entity tag of content with this hash sent gzip, another representation of it: its base64
   * SHA-256 and {@code -gzip}, quoted.
   */
  public static String gzipEtag(ContentHash hash) {
    return "\"" + hash.base64() + "-gzip\"";
  }

  private static Optional<ContentHash> entry(String header, String prefix, String suffix,
      String name) {
    for (String entry : header.split(",")) {
      String trimmed = entry.strip();
      if (trimmed.regionMatches(true, 0, prefix, 0, prefix.length())) {
        String value = trimmed.substring(prefix.length());
        String malformed = "malformed " + name + " header: " + trimmed;
        if (!value.endsWith(suffix)) {
          throw new IllegalArgumentException(malformed);
        }
        try {
          return Optional.of(ContentHash.parse(value.substring(0, value.length()
              - suffix.length())));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(malformed, e);
        }
      }
    }
    return Optional.empty();
  }
}
