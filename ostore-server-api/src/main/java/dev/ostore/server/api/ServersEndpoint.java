package dev.ostore.server.api;

import dev.ostore.Json;
import dev.ostore.ServerAddress;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * {@code GET /servers}: the data servers this api server currently sees as live, as a JSON array
 * of address strings in order, so an operator can check what heartbeats arrive.
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
    String json = live.live().stream().map(ServerAddress::toString).sorted().map(Json::quote)
        .collect(Collectors.joining(",", "[", "]\n"));
    exchange.respond(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }
}
