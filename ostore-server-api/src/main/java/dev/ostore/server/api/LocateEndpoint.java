package dev.ostore.server.api;

import dev.ostore.ContentHash;
import dev.ostore.Json;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.locate.Locations;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.Version;
import dev.ostore.object.Missing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code GET /locate/<name>}: where the content of the name's latest version is. Content stored
 * in shards answers a JSON object from each shard index to the address of a live data server
 * holding it, as the reference's chapter 5 does ({@code {"0":"10.0.0.1:8081",...}}); content
 * stored whole before erasure coding answers the JSON string of its server's address; content
 * kept in the metadata store (inline) is on no data server, and answers the empty object {@code
 * {}}. {@code GET /locate/?hash=<hash>}: the same for content given by its SHA-256 (hex or
 * base64).
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
    Optional<ContentLayout> layout = metadata.layout(hash);
    String json;
    if (layout.isPresent() && layout.get().isInline()) {
      json = "{}";
    } else if (live.live().isEmpty()) {
      throw Missing.noDataServer();
    } else if (layout.isPresent()) {
      locator.forget(hash.hex());
      Locations locations = locator.locateShards(hash);
      if (locations.distinctShards() == 0) {
        throw notHeld(hash);
      }
      json = locations.shards().entrySet().stream()
          .map(shard -> Json.quote(shard.getKey().toString()) + ":"
              + Json.quote(shard.getValue().get(0).toString()))
          .collect(Collectors.joining(",", "{", "}"));
    } else {
      ServerAddress holder = locator.locate(hash.hex()).orElseThrow(() -> notHeld(hash));
      json = Json.quote(holder.toString());
    }
    exchange.respond(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  private static OstoreException notHeld(ContentHash hash) {
    return OstoreException.notFound("no live data server holds content " + hash.base64());
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
