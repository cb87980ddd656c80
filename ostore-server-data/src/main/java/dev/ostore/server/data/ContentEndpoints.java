package dev.ostore.server.data;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerId;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.storage.ContentStore;
import dev.ostore.storage.StoredObject;
import dev.ostore.stream.VerifiedCopy;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

/**
 * Content stored whole, as before erasure coding: {@code GET} and {@code HEAD /objects/<hash>}
 * serve it by its SHA-256 in hex, {@code GET /objects/} lists it in hash order, a page at a time,
 * each with its size and written time, and {@code DELETE /objects/<hash>?hold-written-before=}
 * holds it for a collection ({@link HeldContentEndpoints}). A read is checked against the hash as
 * it streams; bytes that do not match are never sent whole, and the file is moved aside.
 */
final class ContentEndpoints {
  static final String PREFIX = "/objects/";

  private final ContentStore store;
  private final ServerId server;

  ContentEndpoints(ContentStore store, ServerId server) {
    this.store = store;
    this.server = server;
  }

  void addTo(Routes.Builder routes) {
    String content = PREFIX + "{hash}";
    routes.add("GET", content, this::get).add("HEAD", content, this::head)
        .add("DELETE", content, ShardEndpoints.named(server, this::hold),
            ShardEndpoints.HOLD_PARAMETER)
        .add("GET", PREFIX, ShardEndpoints.named(server, this::list), "after", "limit");
  }

  private void get(Exchange exchange) throws IOException {
    ContentHash hash = hashIn(exchange, PREFIX);
    try (StoredObject object = store.open(hash).orElseThrow(() -> notFound(hash))) {
      exchange.setHeader("Content-Type", "application/octet-stream");
      OutputStream out = exchange.respond(200, object.size());
      if (!VerifiedCopy.copy(object.stream(), out, hash, object.size())) {
        store.quarantine(hash);
        // Before any byte left this becomes a 404; after, the connection is cut short.
        throw OstoreException.notFound(
            "content " + hash + " failed its hash check and was moved aside");
      }
    }
  }

  private void head(Exchange exchange) throws IOException {
    ContentHash hash = hashIn(exchange, PREFIX);
    long size = store.size(hash).orElseThrow(() -> notFound(hash));
    exchange.setHeader("Content-Type", "application/octet-stream");
    exchange.respond(200, size);
  }

  /** Lines of {@code <hex> <size> <written, epoch millis>}. */
  private void list(Exchange exchange) throws IOException {
    ShardEndpoints.respondLines(exchange, store.listed(
        ShardEndpoints.afterIn(exchange, ContentHash::parse), ShardEndpoints.limitIn(exchange)),
        content -> content.hash() + " " + content.size() + " "
            + content.written().toEpochMilli());
  }

  /**
   * Moves the content to the holding area unless it was written since: then a 412. Content
   * stored whole is never deleted for good on request, so a DELETE without the time is a 400.
   */
  private void hold(Exchange exchange) throws IOException {
    ContentHash hash = hashIn(exchange, PREFIX);
    Instant writtenBefore = ShardEndpoints.writtenBeforeIn(exchange).orElseThrow(() ->
        OstoreException.badRequest("content stored whole is only held, never deleted: a DELETE"
            + " needs ?" + ShardEndpoints.HOLD_PARAMETER + "=<epoch millis>"));
    switch (store.hold(hash, writtenBefore)) {
      case HELD -> exchange.respond(204, -1);
      case ABSENT -> throw notFound(hash);
      case WRITTEN_SINCE -> throw new OstoreException(ErrorCode.PRECONDITION_FAILED, "content "
          + hash + " was written since " + writtenBefore.toEpochMilli() + ": kept in place");
    }
  }

  /** The hash named by the rest of the path; anything else is a {@code BAD_REQUEST}. */
  static ContentHash hashIn(Exchange exchange, String prefix) throws OstoreException {
    String text = exchange.path().substring(prefix.length());
    try {
      return ContentHash.parse(text);
    } catch (IllegalArgumentException e) {
      throw OstoreException.badRequest("not a SHA-256 in hex: " + text);
    }
  }

  private static OstoreException notFound(ContentHash hash) {
    return OstoreException.notFound("content " + hash + " not found");
  }
}
