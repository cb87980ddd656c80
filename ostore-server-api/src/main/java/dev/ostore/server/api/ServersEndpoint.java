package dev.ostore.server.api;

import dev.ostore.ServerAddress;
import dev.ostore.heartbeat.Heartbeat;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * {@code GET /servers}: the data servers this api server currently sees as live, so an operator
 * can check what heartbeats arrive: a JSON array, ordered by address, of the heartbeat form
 * {@code {"Addr":"host:port","Id":"<32 hex>","Free":<bytes>}}, or the bare address string for a
 * server built from the reference code, which has neither id nor room.
 */
final class ServersEndpoint {
  static final String PATH = "/servers";

  private final LiveServers live;

  ServersEndpoint(LiveServers live) {
    this.live = live;
  }

  void addTo(Routes.Builder routes) {
    routes.add("GET", PATH, this::list);
  }

  private void list(Exchange exchange) throws IOException {
    String json = live.live().stream().sorted(Comparator.comparing(ServerAddress::toString))
        .map(server -> new Heartbeat(server, live.idOf(server), live.freeOf(server)).toJson())
        .collect(Collectors.joining(",", "[", "]\n"));
    exchange.respond(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }
}
