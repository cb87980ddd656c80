package dev.ostore.server.data;

import dev.ostore.ContentHash;
import dev.ostore.OstoreException;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.storage.ContentStore;
import dev.ostore.storage.StoredObject;
import dev.ostore.stream.VerifiedCopy;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code GET} and {@code HEAD /objects/<hash>}: stored content by its SHA-256 in hex. A read is
 * checked against the hash as it streams; bytes that do not match are never sent whole, and the
 * file is moved aside.
 */
final class ContentEndpoints {
  static final String PREFIX = "/objects/";

  private final ContentStore store;

  ContentEndpoints(ContentStore store) {
    this.store = store;
  }

  void addTo(Routes.Builder routes) {
    routes.add("GET", PREFIX + "{hash}", this::get).add("HEAD", PREFIX + "{hash}", this::head);
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
