package dev.ostore.server.data;

import dev.ostore.OstoreException;
import dev.ostore.ServerId;
import dev.ostore.ShardId;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.storage.ShardStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * The holding area, where a collection puts the shards it takes ({@code DELETE
 * /shards/<hex>.<i>?hold-written-before=}) until the server deletes them after its hold period:
 * {@code GET /holding/} lists them in order, a page at a time, each with when it was held, and
 * {@code POST /holding/<hex>.<i>} puts one back, so that a collection that took content still
 * wanted, or an operator, can undo it.
 */
final class HoldingEndpoints {
  static final String PREFIX = "/holding/";

  private final ShardStore store;
  private final ServerId server;

  HoldingEndpoints(ShardStore store, ServerId server) {
    this.store = store;
    this.server = server;
  }

  void addTo(Routes.Builder routes) {
    routes.add("GET", PREFIX, ShardEndpoints.named(server, this::list), "after", "limit")
        .add("POST", PREFIX + "{id}", ShardEndpoints.named(server, this::restore));
  }

  /** Lines of {@code <hex>.<i> <held at, epoch millis>}. */
  private void list(Exchange exchange) throws IOException {
    StringBuilder lines = new StringBuilder();
    for (Map.Entry<ShardId, Instant> held : store.listHeld(ShardEndpoints.afterIn(exchange),
        ShardEndpoints.limitIn(exchange)).entrySet()) {
      lines.append(held.getKey()).append(' ').append(held.getValue().toEpochMilli())
          .append('\n');
    }
    exchange.respond(200, "text/plain; charset=utf-8",
        lines.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** 200 once the shard is in place again (a copy stored meanwhile is kept); 404 none held. */
  private void restore(Exchange exchange) throws IOException {
    ShardId id = ShardEndpoints.idIn(exchange, PREFIX);
    if (!store.restore(id)) {
      throw OstoreException.notFound("shard " + id + " is not held");
    }
    exchange.respond(200, "text/plain; charset=utf-8",
        (id + "\n").getBytes(StandardCharsets.US_ASCII));
  }
}
