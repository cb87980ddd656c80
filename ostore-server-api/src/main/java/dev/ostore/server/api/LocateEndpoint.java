package dev.ostore.server.api;

import dev.ostore.Json;
import dev.ostore.ObjectName;
import dev.ostore.ServerAddress;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.locate.Locator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /locate/<name>}: the JSON string of the address of the server holding it. */
final class LocateEndpoint {
  static final String PREFIX = "/locate/";

  private final LiveServers live;
  private final Locator locator;

  LocateEndpoint(LiveServers live, Locator locator) {
    this.live = live;
    this.locator = locator;
  }

  void addTo(Routes.Builder routes) {
    routes.add("GET", PREFIX, this::locate);
  }

  private void locate(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    ServerAddress holder = locator.locate(name.urlSegment())
        .orElseThrow(() -> Missing.object(live, name));
    exchange.respond(200, "application/json",
        Json.quote(holder.toString()).getBytes(StandardCharsets.UTF_8));
  }
}
