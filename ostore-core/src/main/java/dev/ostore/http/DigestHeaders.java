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
   * a malformed SHA-256 entry, entries or headers that disagree, is a {@code BAD_REQUEST}.
   */
  public static Optional<ContentHash> read(Exchange exchange) throws OstoreException {
    Optional<ContentHash> digest = sha256(exchange, DIGEST, "", "");
    Optional<ContentHash> contentDigest = sha256(exchange, CONTENT_DIGEST, ":", ":");
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

  /**
   * The SHA-256 that the {@code sha-256} entries of every {@code name} header give, each value
   * between {@code open} and {@code close} (RFC 9530's byte sequence is {@code :<base64>:}).
   */
  private static Optional<ContentHash> sha256(Exchange exchange, String name, String open,
      String close) throws OstoreException {
    // Most requests carry neither header: asked first, that costs no list.
    if (exchange.header(name).isEmpty()) {
      return Optional.empty();
    }
    Optional<ContentHash> found = Optional.empty();
    for (String field : exchange.headers(name)) {
      for (String entry : field.split(",")) {
        String trimmed = entry.strip();
        int equals = trimmed.indexOf('=');
        if (equals < 0 || !trimmed.substring(0, equals).strip().equalsIgnoreCase("sha-256")) {
          continue;
        }
        String value = trimmed.substring(equals + 1).strip();
        ContentHash hash = parse(value, open, close, "malformed " + name + " header: " + trimmed);
        if (found.isPresent() && !found.get().equals(hash)) {
          throw OstoreException.badRequest("the " + name + " header gives different SHA-256s");
        }
        found = Optional.of(hash);
      }
    }
    return found;
  }

  private static ContentHash parse(String value, String open, String close, String malformed)
      throws OstoreException {
    if (value.length() < open.length() + close.length() || !value.startsWith(open)
        || !value.endsWith(close)) {
      throw OstoreException.badRequest(malformed);
    }
    try {
      return ContentHash.parse(value.substring(open.length(), value.length() - close.length()));
    } catch (IllegalArgumentException e) {
      throw OstoreException.badRequest(malformed);
    }
  }
}
