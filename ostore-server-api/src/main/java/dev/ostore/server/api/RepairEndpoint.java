package dev.ostore.server.api;

import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.repair.RepairService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /repair}: {@code GET} shows the repair service's progress and last pass as JSON; {@code
 * POST} starts a pass now (202), or says that one is running already (200), with the same JSON.
 */
final class RepairEndpoint {
  static final String PATH = "/repair";

  private final RepairService service;

  RepairEndpoint(RepairService service) {
    this.service = service;
  }

  void addTo(Routes.Builder routes) {
    routes.add("GET", PATH, this::status).add("POST", PATH, this::start);
  }

  private void status(Exchange exchange) throws IOException {
    respond(exchange, 200);
  }

  private void start(Exchange exchange) throws IOException {
    respond(exchange, service.startPass() ? 202 : 200);
  }

  private void respond(Exchange exchange, int status) throws IOException {
    exchange.respond(status, "application/json",
        service.status().toJson().getBytes(StandardCharsets.UTF_8));
  }
}
