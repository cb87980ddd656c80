package dev.ostore.server.data;

import dev.ostore.ContentHash;
import dev.ostore.OstoreException;
import dev.ostore.http.DigestHeaders;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.storage.ContentStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * The temporary-object protocol: {@code POST /temp/} creates one and answers its id, {@code
 * PATCH /temp/<id>} appends a whole stream, {@code PUT /temp/<id>} commits it under the SHA-256 its
 * {@code Digest} header names (only if the bytes hash to it), {@code DELETE} drops it and {@code
 * HEAD} tells its size.
 */
final class TempEndpoints {
  static final String PREFIX = "/temp/";

  private final ContentStore store;

  TempEndpoints(ContentStore store) {
    this.store = store;
  }

  void addTo(Routes.Builder routes) {
    String temp = PREFIX + "{id}";
    routes.add("POST", PREFIX, this::create)
        .add("PATCH", temp, this::append)
        .add("PUT", temp, this::commit)
        .add("DELETE", temp, this::abort)
        .add("HEAD", temp, this::size);
  }

  private void create(Exchange exchange) throws IOException {
    String id = store.createTemp(limit(exchange));
    exchange.setHeader("Location", PREFIX + id);
    exchange.respond(200, "text/plain; charset=utf-8", id.getBytes(StandardCharsets.UTF_8));
  }

  private void append(Exchange exchange) throws IOException {
    String id = idIn(exchange);
    try (OutputStream out = store.append(id)) {
      exchange.copyRequestBodyTo(out, "temporary object " + id);
    }
    exchange.respond(200, 0);
  }

  private void commit(Exchange exchange) throws IOException {
    String id = idIn(exchange);
    ContentHash expected = DigestHeaders.read(exchange).orElseThrow(() ->
        OstoreException.badRequest("commit needs a Digest header with the expected SHA-256"));
    store.commit(id, expected);
    exchange.respond(200, 0);
  }

  private void abort(Exchange exchange) throws IOException {
    String id = idIn(exchange);
    if (!store.abort(id)) {
      throw OstoreException.notFound("no temporary object " + id);
    }
    exchange.respond(200, 0);
  }

  private void size(Exchange exchange) throws IOException {
    String id = idIn(exchange);
    long size = store.tempSize(id).orElseThrow(
        () -> OstoreException.notFound("no temporary object " + id));
    exchange.respond(200, size);
  }

  private static String idIn(Exchange exchange) throws OstoreException {
    String id = exchange.path().substring(PREFIX.length());
    if (!id.matches("[0-9a-f-]{36}")) {
      throw OstoreException.badRequest("not a temporary object id: " + id);
    }
    return id;
  }

  /** The optional {@code Size} header: most bytes the object may take. */
  private static OptionalLong limit(Exchange exchange) throws OstoreException {
    var header = exchange.header("Size");
    if (header.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      long size = Long.parseLong(header.get().strip());
      if (size < 0) {
        throw new NumberFormatException();
      }
      return OptionalLong.of(size);
    } catch (NumberFormatException e) {
      throw OstoreException.badRequest("Size is not a byte count: " + header.get());
    }
  }
}
