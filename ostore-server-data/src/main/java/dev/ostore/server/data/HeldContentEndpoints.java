package dev.ostore.server.data;

import dev.ostore.ContentHash;
import dev.ostore.OstoreException;
import dev.ostore.ServerId;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.storage.ContentStore;
import java.io.IOException;

/**
 * The holding area for content stored whole, where a collection puts what it takes ({@code
 * DELETE /objects/<hex>?hold-written-before=}) until the server deletes it after its hold
 * period: {@code GET /held-objects/} lists it in hash order, a page at a time, each with when it
 * was held, and {@code POST /held-objects/<hex>} puts one back, as {@link HoldingEndpoints} do
 * shards.
 */
final class HeldContentEndpoints {
  static final String PREFIX = "/held-objects/";

  private final ContentStore store;
  private final ServerId server;

  HeldContentEndpoints(ContentStore store, ServerId server) {
    this.store = store;
    this.server = server;
  }

  void addTo(Routes.Builder routes) {
    routes.add("GET", PREFIX, ShardEndpoints.named(server, this::list), "after", "limit")
        .add("POST", PREFIX + "{hash}", ShardEndpoints.named(server, this::restore));
  }

  /** Lines of {@code <hex> <held at, epoch millis>}. */
  private void list(Exchange exchange) throws IOException {
    ShardEndpoints.respondHeld(exchange, store.listHeld(
        ShardEndpoints.afterIn(exchange, ContentHash::parse), ShardEndpoints.limitIn(exchange)));
  }

  /** 200 once the content is in place again (a copy stored meanwhile is kept); 404 none held. */
  private void restore(Exchange exchange) throws IOException {
    ContentHash hash = ContentEndpoints.hashIn(exchange, PREFIX);
    if (!store.restore(hash)) {
      throw OstoreException.notFound("content " + hash + " is not held");
    }
    exchange.respondText(200, hash.toString());
  }
}
