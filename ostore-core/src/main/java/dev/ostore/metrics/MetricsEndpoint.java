package dev.ostore.metrics;

import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: a server's {@link Metrics} in Prometheus' text format, for scraping. */
public final class MetricsEndpoint {
  public static final String PATH = "/metrics";

  private MetricsEndpoint() {}

  /** Serves {@code metrics} at {@link #PATH}. */
  public static void addTo(Routes.Builder routes, Metrics metrics) {
    routes.add("GET", PATH, exchange -> scrape(exchange, metrics));
  }

  private static void scrape(Exchange exchange, Metrics metrics) throws java.io.IOException {
    exchange.respond(200, Metrics.CONTENT_TYPE,
        metrics.scrape().getBytes(StandardCharsets.UTF_8));
  }
}
