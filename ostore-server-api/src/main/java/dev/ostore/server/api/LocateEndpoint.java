package dev.ostore.server.api;

import dev.ostore.ContentHash;
import dev.ostore.Json;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /locate/<name>}: the JSON string of the address of the data server holding the
 * content of the name's latest version; {@code GET /locate/?hash=<hash>}: the same for content
 * given by its SHA-256 (hex or base64).
 */
final class LocateEndpoint {
  static final String PREFIX = "/locate/";
  private static final String HASH = "hash";

  private final LiveServers live;
  private final Locator locator;
  private final MetadataStore metadata;

  LocateEndpoint(LiveServers live, Locator locator, MetadataStore metadata) {
    this.live = live;
    this.locator = locator;
    this.metadata = metadata;
  }

  void addTo(Routes.Builder routes) {
    routes.add("GET", PREFIX, exchange -> locate(exchange, hashAsked(exchange)), HASH)
        .add("GET", PREFIX + "{name}", exchange -> locate(exchange, latest(exchange)));
  }

  private void locate(Exchange exchange, ContentHash hash) throws IOException {
    if (live.live().isEmpty()) {
      throw Missing.noDataServer();
    }
    ServerAddress holder = locator.locate(hash.hex()).orElseThrow(() ->
        OstoreException.notFound("no live data server holds content " + hash.base64()));
    exchange.respond(200, "application/json",
        Json.quote(holder.toString()).getBytes(StandardCharsets.UTF_8));
  }

  private ContentHash latest(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    Version latest = metadata.latest(name.value())
        .orElseThrow(() -> Missing.object(name.value()));
    return latest.hash().orElseThrow(() -> Missing.deleted(name.value(), latest.number()));
  }

  private static ContentHash hashAsked(Exchange exchange) throws OstoreException {
    String text = exchange.query(HASH).orElseThrow(() -> OstoreException.badRequest(
        "locate a name with /locate/<name>, or content with /locate/?hash=<sha-256>"));
    try {
      return ContentHash.parse(text);
    } catch (IllegalArgumentException e) {
      throw OstoreException.badRequest(e.getMessage());
    }
  }
}
