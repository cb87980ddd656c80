package dev.ostore.client;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reads what the api server answers besides object bytes: version lines, the headers of a HEAD
 * or GET, pages of listings and locate answers. Each refuses an answer that is not what the
 * protocol says, with an {@link IOException} naming the request ({@code what}), so a server that
 * speaks something else fails loudly instead of being half understood.
 */
final class Answers {
  /** A locate answer is an address for each of at most 255 shards; longer is not ostore's. */
  private static final int MAX_LOCATE_BYTES = 255 * 64;

  private Answers() {}

  /** The one version line a PUT or DELETE answers, about {@code name}. */
  static ObjectVersion version(Exchange exchange, ObjectName name, String what)
      throws IOException {
    List<ObjectVersion> lines;
    try (InputStream body = exchange.body()) {
      lines = VersionLines.read(body, 1, what);
    }
    if (lines.size() != 1 || !lines.get(0).name().equals(name.value())) {
      throw new IOException(what + ": the answer is not one line about " + name + ": " + lines);
    }
    return lines.get(0);
  }

  /** The version a HEAD answer describes, from its headers. */
  static ObjectInfo info(Exchange exchange, ObjectName name, String what) throws IOException {
    long size = exchange.contentLength();
    if (size < 0) {
      throw new IOException(what + ": the answer has no Content-Length");
    }
    String hash = declaredDigest(exchange, what);
    String number = exchange.responseHeader("Object-Version");
    if (number == null || !number.matches("[1-9][0-9]{0,18}")) {
      throw new IOException(what + ": the answer has no valid Object-Version: " + number);
    }
    try {
      return new ObjectInfo(name.value(), Long.parseLong(number), size, hash,
          lastModified(exchange));
    } catch (NumberFormatException e) {
      throw new IOException(what + ": the answer has no valid Object-Version: " + number, e);
    }
  }

  /**
   * The answer's {@code Last-Modified}; empty when it has none or one that is no date: it
   * describes the object, and a head is no less valid without it.
   */
  private static Optional<Instant> lastModified(Exchange exchange) {
    String date = exchange.responseHeader("Last-Modified");
    return date == null ? Optional.empty() : UtcTimes.httpDate(date.strip());
  }

  /** The base64 SHA-256 an answer declares for its body; an answer without one is refused. */
  static String declaredDigest(Exchange exchange, String what) throws IOException {
    return Sha256.declared(exchange.responseHeader("Digest"),
            exchange.responseHeader("Content-Digest"))
        .orElseThrow(() -> new IOException(what + ": the answer has no SHA-256 Digest header"));
  }

  /** One page of a listing: at most {@code pageSize} lines, and the cursor of the next. */
  static Listing.Page page(Exchange exchange, int pageSize, String what) throws IOException {
    Optional<String> next = Optional.ofNullable(exchange.responseHeader("Next-Cursor"))
        .filter(cursor -> !cursor.isEmpty());
    try (InputStream body = exchange.body()) {
      return new Listing.Page(VersionLines.read(body, pageSize, what), next);
    }
  }

  /** The address a locate answers, a JSON string. */
  static Location location(Exchange exchange, String what) throws IOException {
    String body = exchange.smallBody(MAX_LOCATE_BYTES);
    try {
      return Location.parse(body);
    } catch (IllegalArgumentException e) {
      throw new IOException(what + ": unexpected answer: " + body, e);
    }
  }
}
