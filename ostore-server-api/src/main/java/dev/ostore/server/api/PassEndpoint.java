package dev.ostore.server.api;

import dev.ostore.OstoreException;
import dev.ostore.collect.Collector;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.repair.RepairService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The endpoint of a background pass, {@code /repair} or {@code /collect}: {@code GET} shows the
 * pass running and the last one as JSON; {@code POST} starts a pass now (202), or says that one
 * is running already (200), with the same JSON. {@code POST /collect?dry-run=true} starts a pass
 * that counts what it would free and changes nothing.
 */
final class PassEndpoint {
  static final String REPAIR = "/repair";
  static final String COLLECT = "/collect";
  static final String DRY_RUN = "dry-run";

  /** Starts a pass as the request asks; false when one is running. */
  private interface Start {
    boolean start(Exchange exchange) throws IOException;
  }

  private final String path;
  private final Start start;
  private final Supplier<String> status;
  private final String[] parameters;

  private PassEndpoint(String path, Start start, Supplier<String> status,
      String... parameters) {
    this.path = path;
    this.start = start;
    this.status = status;
    this.parameters = parameters;
  }

  static PassEndpoint repair(RepairService service) {
    return new PassEndpoint(REPAIR, exchange -> service.startPass(),
        () -> service.status().toJson());
  }

  static PassEndpoint collect(Collector collector) {
    return new PassEndpoint(COLLECT, exchange -> collector.startPass(dryRun(exchange)),
        () -> collector.status().toJson(), DRY_RUN);
  }

  void addTo(Routes.Builder routes) {
    routes.add("GET", path, exchange -> respond(exchange, 200))
        .add("POST", path, exchange -> respond(exchange, start.start(exchange) ? 202 : 200),
            parameters);
  }

  private void respond(Exchange exchange, int code) throws IOException {
    exchange.respond(code, "application/json",
        status.get().getBytes(StandardCharsets.UTF_8));
  }

  private static boolean dryRun(Exchange exchange) throws OstoreException {
    String asked = exchange.query(DRY_RUN).orElse("false");
    if (!asked.equals("true") && !asked.equals("false")) {
      throw OstoreException.badRequest(DRY_RUN + " must be true or false: " + asked);
    }
    return asked.equals("true");
  }
}
