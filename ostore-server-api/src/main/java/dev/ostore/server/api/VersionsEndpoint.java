package dev.ostore.server.api;

import dev.ostore.ObjectName;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.metadata.MetadataStore;
import java.io.IOException;

/**
 * {@code GET /versions/<name>}: every version of a name, oldest first; {@code GET /versions/}:
 * every version of every name ({@code ?prefix=} to narrow it), by name then version. An unknown
 * name lists nothing. See {@link VersionLines} for the format and paging.
 */
final class VersionsEndpoint {
  static final String PREFIX = "/versions/";

  private final MetadataStore metadata;

  VersionsEndpoint(MetadataStore metadata) {
    this.metadata = metadata;
  }

  void addTo(Routes.Builder routes) {
    routes.add("GET", PREFIX, this::listAll, VersionLines.LISTING_PARAMETERS)
        .add("GET", PREFIX + "{name}", this::list, VersionLines.PAGE_PARAMETERS);
  }

  private void listAll(Exchange exchange) throws IOException {
    String prefix = exchange.query(VersionLines.PREFIX_PARAMETER).orElse("");
    VersionLines.respond(exchange, (after, limit) -> metadata.allVersions(prefix, after, limit));
  }

  private void list(Exchange exchange) throws IOException {
    String name = exchange.objectName(PREFIX).value();
    VersionLines.respond(exchange, (after, limit) -> metadata.versions(name, after, limit));
  }
}
