package dev.ostore.server.api;

import dev.ostore.Json;
import dev.ostore.OstoreException;
import dev.ostore.http.Exchange;
import dev.ostore.http.HttpDates;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.Page;
import dev.ostore.metadata.Version;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Versions as the reference system writes them: one JSON object per line, {@code
 * {"Name":"a","Version":1,"Size":20,"Hash":"<base64>"}}, with {@code "Hash":""} for a tombstone,
 * and a member the reference has not, {@code "Created":"2026-12-05T04:31:22.123Z"}: when the
 * version was recorded, in UTC to the millisecond.
 * A listing is streamed page by page from the metadata store, so it is never cut short and never
 * held whole; with {@code ?limit=N} it is one page, and a {@code Next-Cursor} header tells how to
 * ask for the next ({@code ?cursor=...}).
 */
final class VersionLines {
  static final String NEXT_CURSOR = "Next-Cursor";
  static final String PREFIX_PARAMETER = "prefix";
  static final String LIMIT_PARAMETER = "limit";
  static final String CURSOR_PARAMETER = "cursor";
  /** The query parameters of a listing of many names: which names, and which page. */
  static final String[] LISTING_PARAMETERS =
      {PREFIX_PARAMETER, LIMIT_PARAMETER, CURSOR_PARAMETER};
  /** The query parameters of a listing of one name's versions: which page. */
  static final String[] PAGE_PARAMETERS = {LIMIT_PARAMETER, CURSOR_PARAMETER};
  private static final int PAGE = 1000;

  private VersionLines() {}

  /** Reads one page of a listing, {@code after} a cursor, of at most {@code limit} versions. */
  interface Lister {
    Page page(Optional<String> after, int limit) throws IOException;
  }

  static String line(Version version) {
    return "{\"Name\":" + Json.quote(version.name())
        + ",\"Version\":" + version.number()
        + ",\"Size\":" + version.size()
        + ",\"Hash\":" + Json.quote(version.hash().map(h -> h.base64()).orElse(""))
        + ",\"Created\":\"" + HttpDates.isoMillis(version.created()) + "\"}\n";
  }

  /** Answers with one version as a single line of JSON. */
  static void respond(Exchange exchange, Version version) throws IOException {
    exchange.respond(200, "application/x-ndjson", line(version).getBytes(StandardCharsets.UTF_8));
  }

  /** Answers with a listing, whole or one page as the query asks. */
  static void respond(Exchange exchange, Lister lister) throws IOException {
    Optional<String> cursor = exchange.query(CURSOR_PARAMETER);
    Optional<Integer> limit = limit(exchange);
    Page first;
    try {
      first = lister.page(cursor, limit.orElse(PAGE));
    } catch (IllegalArgumentException e) {
      throw OstoreException.badRequest(e.getMessage());
    }
    exchange.setHeader("Content-Type", "application/x-ndjson");
    if (limit.isPresent()) {
      first.next().ifPresent(next -> exchange.setHeader(NEXT_CURSOR, next));
    }
    try (OutputStream out = exchange.respond(200, -1)) {
      Page page = first;
      while (true) {
        write(out, page);
        if (limit.isPresent() || page.next().isEmpty()) {
          return;
        }
        page = lister.page(page.next(), PAGE);
      }
    }
  }

  private static void write(OutputStream out, Page page) throws IOException {
    StringBuilder lines = new StringBuilder();
    page.versions().forEach(version -> lines.append(line(version)));
    out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static Optional<Integer> limit(Exchange exchange) throws OstoreException {
    Optional<String> text = exchange.query(LIMIT_PARAMETER);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      int limit = Integer.parseInt(text.get());
      if (limit >= 1 && limit <= MetadataStore.MAX_LIMIT) {
        return Optional.of(limit);
      }
    } catch (NumberFormatException e) {
      // Refused below, with the range.
    }
    throw OstoreException.badRequest("limit must be a whole number from 1 to "
        + MetadataStore.MAX_LIMIT + ": " + text.get());
  }
}
