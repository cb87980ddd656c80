package dev.ostore.health;

import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code GET} and {@code HEAD /health}: 200 {@code ready} when the server's {@link HealthCheck}
 * finds nothing wrong, else 503 with the check's reason, one line. Not an error to log: a load
 * balancer polls it every few seconds, and the server logs the outage itself.
 */
public final class HealthEndpoint {
  public static final String PATH = "/health";
  public static final String READY = "ready";

  private HealthEndpoint() {}

  /** Serves {@code check} at {@link #PATH}. */
  public static void addTo(Routes.Builder routes, HealthCheck check) {
    routes.add("GET", PATH, exchange -> answer(exchange, check))
        .add("HEAD", PATH, exchange -> answer(exchange, check));
  }

  private static void answer(Exchange exchange, HealthCheck check) throws IOException {
    Optional<String> problem = check.problem();
    if (problem.isPresent()) {
      exchange.respondError(503, problem.get());
    } else {
      exchange.respondText(200, READY);
    }
  }
}
