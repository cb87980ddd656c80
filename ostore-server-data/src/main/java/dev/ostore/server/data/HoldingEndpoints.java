package dev.ostore.server.data;

import dev.ostore.OstoreException;
import dev.ostore.ServerId;
import dev.ostore.ShardId;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.storage.ShardStore;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The holding area, where a collection puts the shards it takes until the server deletes them
 * after its hold period: {@code POST /holding/?hold-written-before=<epoch millis>} holds the
 * shards its body names, one a line (or {@code DELETE /shards/<hex>.<i>?hold-written-before=}
 * one), {@code GET /holding/} lists them in order, a page at a time, each with when it was held,
 * and {@code POST /holding/<hex>.<i>} puts one back, so that a collection that took content still
 * wanted, or an operator, can undo it.
 */
final class HoldingEndpoints {
  static final String PREFIX = "/holding/";
  /** The most shards one hold may name: a collector's page, and the answer stays under 1 MB. */
  static final int MAX_HOLD = DataServerClient.MAX_HOLD;

  private final ShardStore store;
  private final ServerId server;

  HoldingEndpoints(ShardStore store, ServerId server) {
    this.store = store;
    this.server = server;
  }

  void addTo(Routes.Builder routes) {
    routes.add("GET", PREFIX, ShardEndpoints.named(server, this::list), "after", "limit")
        .add("POST", PREFIX, ShardEndpoints.named(server, this::hold),
            ShardEndpoints.HOLD_PARAMETER)
        .add("POST", PREFIX + "{id}", ShardEndpoints.named(server, this::restore));
  }

  /**
   * Holds the shards named in the body, except those written since the time given; answers 200
   * once every shard is decided, a line {@code <hex>.<i> held|absent|written-since} for each id,
   * in the order given (an id given twice is answered once).
   */
  private void hold(Exchange exchange) throws IOException {
    Instant writtenBefore = ShardEndpoints.writtenBeforeIn(exchange).orElseThrow(() ->
        OstoreException.badRequest("a hold needs ?" + ShardEndpoints.HOLD_PARAMETER
            + "=<epoch millis>"));
    List<ShardId> ids = ShardIdLines.read(exchange, MAX_HOLD);
    ShardEndpoints.respondLines(exchange, store.hold(ids, writtenBefore).entrySet(),
        answer -> answer.getKey() + " " + word(answer.getValue()));
  }

  private static String word(ShardStore.Hold hold) {
    return switch (hold) {
      case HELD -> "held";
      case ABSENT -> "absent";
      case WRITTEN_SINCE -> "written-since";
    };
  }

  /** Lines of {@code <hex>.<i> <held at, epoch millis>}. */
  private void list(Exchange exchange) throws IOException {
    ShardEndpoints.respondHeld(exchange, store.listHeld(ShardEndpoints.afterIn(exchange),
        ShardEndpoints.limitIn(exchange)));
  }

  /** 200 once the shard is in place again (a copy stored meanwhile is kept); 404 none held. */
  private void restore(Exchange exchange) throws IOException {
    ShardId id = ShardEndpoints.idIn(exchange, PREFIX);
    if (!store.restore(id)) {
      throw OstoreException.notFound("shard " + id + " is not held");
    }
    exchange.respondText(200, id.toString());
  }
}
