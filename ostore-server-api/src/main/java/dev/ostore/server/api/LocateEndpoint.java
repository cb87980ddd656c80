package dev.ostore.server.api;

import dev.ostore.ErrorCode;
import dev.ostore.Json;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.locate.Locator;
import java.io.IOException;
import java.io.OutputStream;
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
    if (live.live().isEmpty()) {
      throw new OstoreException(ErrorCode.NO_DATA_SERVER, "no data server is live");
    }
    ServerAddress holder = locator.locate(name.urlSegment()).orElseThrow(
        () -> OstoreException.notFound("object " + name + " not found"));
    byte[] body = Json.quote(holder.toString()).getBytes(StandardCharsets.UTF_8);
    exchange.setHeader("Content-Type", "application/json");
    try (OutputStream out = exchange.respond(200, body.length)) {
      out.write(body);
    }
  }
}
