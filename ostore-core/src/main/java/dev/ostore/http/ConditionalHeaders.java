package dev.ostore.http;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.Precondition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The conditional request headers (RFC 9110, section 13) of an object's requests, evaluated in the
 * order section 13.2.2 gives: {@code If-Match}, else {@code If-Unmodified-Since}; then {@code
 * If-None-Match}, else (on a read) {@code If-Modified-Since}. A write's are read strictly into a
 * {@link Precondition}, which the metadata store checks where it records; a read's leniently, a
 * malformed one asking nothing, since a read is safe. Dates are to the second, so a name written
 * twice in one second looks unchanged to a date: entity tags are exact.
 */
public final class ConditionalHeaders {
  public static final String IF_MODIFIED_SINCE = "If-Modified-Since";
  public static final String IF_UNMODIFIED_SINCE = "If-Unmodified-Since";

  private ConditionalHeaders() {}

  /**
   * What a write asks of the name's current content; a malformed header is a 400, since taking it
   * for no condition would let through the write it was meant to stop.
   */
  public static Precondition ofWrite(Exchange exchange) throws OstoreException {
    Optional<Instant> unmodifiedSince = date(exchange, IF_UNMODIFIED_SINCE);
    if (unmodifiedSince.isEmpty() && exchange.header(IF_UNMODIFIED_SINCE).isPresent()) {
      throw OstoreException.badRequest("malformed " + IF_UNMODIFIED_SINCE + " header: "
          + String.join(", ", exchange.headers(IF_UNMODIFIED_SINCE)) + " (one HTTP date, such as "
          + HttpDates.format(Instant.EPOCH) + ")");
    }
    return new Precondition(EntityTags.contents(exchange, EntityTags.IF_MATCH),
        EntityTags.contents(exchange, EntityTags.IF_NONE_MATCH), unmodifiedSince);
  }

  /**
   * Evaluates a read's conditions against the representation chosen, whose entity tag is {@code
   * etag} and which was written at {@code written}; {@code what} names it in an error. True when
   * the answer is a 304; a {@code PRECONDITION_FAILED} when it is a 412.
   */
  public static boolean notModified(Exchange exchange, Supplier<String> what, String etag,
      Instant written) throws OstoreException {
    Instant lastModified = HttpDates.toSecond(written);
    if (exchange.header(EntityTags.IF_MATCH).isPresent()) {
      if (!EntityTags.names(exchange, EntityTags.IF_MATCH, etag)) {
        throw new OstoreException(ErrorCode.PRECONDITION_FAILED,
            what.get() + " has ETag " + etag + ", which If-Match does not name");
      }
    } else {
      Optional<Instant> date = date(exchange, IF_UNMODIFIED_SINCE);
      if (date.isPresent() && lastModified.isAfter(date.get())) {
        throw new OstoreException(ErrorCode.PRECONDITION_FAILED, what.get() + " was last modified "
            + HttpDates.format(written) + ", after " + IF_UNMODIFIED_SINCE + ": "
            + HttpDates.format(date.get()));
      }
    }
    if (exchange.header(EntityTags.IF_NONE_MATCH).isPresent()) {
      return EntityTags.names(exchange, EntityTags.IF_NONE_MATCH, etag);
    }
    Optional<Instant> date = date(exchange, IF_MODIFIED_SINCE);
    return date.isPresent() && !lastModified.isAfter(date.get());
  }

  /** The one date of {@code header}; empty when there is none, or it is malformed. */
  private static Optional<Instant> date(Exchange exchange, String header) {
    // Most reads carry no such header: asked first, that costs no list.
    if (exchange.header(header).isEmpty()) {
      return Optional.empty();
    }
    List<String> fields = exchange.headers(header);
    return fields.size() == 1 ? HttpDates.parse(fields.get(0)) : Optional.empty();
  }
}
