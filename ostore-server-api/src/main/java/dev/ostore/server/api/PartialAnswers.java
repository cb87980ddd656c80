package dev.ostore.server.api;

import dev.ostore.ByteRange;
import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.http.DigestHeaders;
import dev.ostore.http.Exchange;
import dev.ostore.http.RangeHeader;
import dev.ostore.metadata.Version;
import dev.ostore.object.ObjectStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Answers a GET whose {@code Range} header asks for part of an object (RFC 9110, section 14): one
 * range as a 206 with its {@code Content-Range}, several as a 206 of {@code
 * multipart/byteranges}, none that exists as a 416 with {@code Content-Range: bytes *}{@code
 * /size}. An {@code If-Range} that is not the object's entity tag, compared strongly, asks for
 * the whole object, as does a date: a name may get two versions in one second, so that its {@code
 * Last-Modified} is no strong validator (RFC 9110, section 8.8.2.2).
 */
final class PartialAnswers {
  static final String RANGE = "Range";
  static final String IF_RANGE = "If-Range";
  private static final SecureRandom RANDOM = new SecureRandom();

  private PartialAnswers() {}

  /** What the request's headers ask of {@code version}: see {@link RangeHeader}. */
  static RangeHeader asked(Exchange exchange, Version version) {
    Optional<String> range = exchange.header(RANGE);
    Optional<String> ifRange = exchange.header(IF_RANGE);
    if (range.isPresent() && ifRange.isPresent()
        && !ifRange.get().trim().equals(DigestHeaders.etag(version.hash().orElseThrow()))) {
      return RangeHeader.of(Optional.empty(), version.size());
    }
    return RangeHeader.of(range, version.size());
  }

  /** Opens one range of the version answered. */
  @FunctionalInterface
  interface Opener {
    ObjectStore.Content open(ByteRange range) throws IOException;
  }

  /**
   * Answers the parts of {@code version} that {@code asked} names, each opened by {@code parts},
   * or the 416.
   */
  static void answer(Exchange exchange, Opener parts, Version version, RangeHeader asked)
      throws IOException {
    long size = version.size();
    if (asked.kind() == RangeHeader.Kind.UNSATISFIABLE) {
      exchange.setLastingHeader("Content-Range", RangeHeader.unsatisfied(size));
      throw new OstoreException(ErrorCode.RANGE_NOT_SATISFIABLE, "object " + version.name()
          + " has " + size + " bytes, and " + exchange.header(RANGE).orElseThrow()
          + " asks for none of them");
    }
    List<ByteRange> ranges = asked.ranges();
    // The first part is opened before any answer: a content that cannot be read is a status.
    try (ObjectStore.Content first = parts.open(ranges.get(0))) {
      if (ranges.size() == 1) {
        exchange.setHeader("Content-Type", "application/octet-stream");
        exchange.setHeader("Content-Range", RangeHeader.contentRange(ranges.get(0), size));
        first.copyTo(exchange.respond(206, ranges.get(0).length()));
        return;
      }
      Multipart body = new Multipart(ranges, size);
      exchange.setHeader("Content-Type", "multipart/byteranges; boundary=" + body.boundary);
      OutputStream out = exchange.respond(206, body.length());
      for (int i = 0; i < ranges.size(); i++) {
        out.write(body.heads.get(i));
        if (i == 0) {
          first.copyTo(out);
        } else {
          try (ObjectStore.Content part = parts.open(ranges.get(i))) {
            part.copyTo(out);
          }
        }
      }
      out.write(body.end);
    }
  }

  /** The framing of a {@code multipart/byteranges} body, around parts of known length. */
  private static final class Multipart {
    final String boundary = boundary();
    /** Before each part: its boundary (after the part before it) and headers. */
    final List<byte[]> heads = new ArrayList<>();
    final byte[] end = ascii("\r\n--" + boundary + "--\r\n");
    private long length = end.length;

    Multipart(List<ByteRange> ranges, long size) {
      for (int i = 0; i < ranges.size(); i++) {
        byte[] head = ascii((i == 0 ? "" : "\r\n") + "--" + boundary + "\r\n"
            + "Content-Type: application/octet-stream\r\n"
            + "Content-Range: " + RangeHeader.contentRange(ranges.get(i), size) + "\r\n\r\n");
        heads.add(head);
        length += head.length + ranges.get(i).length();
      }
    }

    long length() {
      return length;
    }

    /** Random, so that no content can hold it by design. */
    private static String boundary() {
      byte[] bytes = new byte[16];
      RANDOM.nextBytes(bytes);
      return HexFormat.of().formatHex(bytes);
    }

    private static byte[] ascii(String text) {
      return text.getBytes(StandardCharsets.US_ASCII);
    }
  }
}
