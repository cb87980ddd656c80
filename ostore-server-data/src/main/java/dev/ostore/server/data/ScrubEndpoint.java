package dev.ostore.server.data;

import dev.ostore.Json;
import dev.ostore.ShardId;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.scrub.ScrubReport;
import dev.ostore.scrub.Scrubber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code GET /scrub}: what scrubbing has found since the server started, as one JSON object, so
 * that an operator (and the repair service) can see that the shards are being checked and which
 * were found corrupt; {@code PassStarted} and {@code PassFinished} are left out until there is
 * one. A server that does not scrub ({@code SCRUB_RATE=0}) reports a rate of 0.
 */
final class ScrubEndpoint {
  static final String PATH = "/scrub";
  private static final ScrubReport OFF =
      new ScrubReport(0, 0, Optional.empty(), Optional.empty(), 0, 0, 0, List.of(), 0);

  private final Optional<Scrubber> scrubber;

  ScrubEndpoint(Optional<Scrubber> scrubber) {
    this.scrubber = scrubber;
  }

  void addTo(Routes.Builder routes) {
    routes.add("GET", PATH, this::report);
  }

  private void report(Exchange exchange) throws IOException {
    ScrubReport r = scrubber.map(Scrubber::report).orElse(OFF);
    String json = "{\"Rate\":" + r.bytesPerSecond()
        + ",\"PassesFinished\":" + r.passesFinished()
        + instant("PassStarted", r.passStarted())
        + instant("PassFinished", r.passFinished())
        + ",\"ShardsChecked\":" + r.shardsChecked()
        + ",\"BytesChecked\":" + r.bytesChecked()
        + ",\"CorruptFound\":" + r.corruptFound()
        + ",\"RecentCorrupt\":" + r.recentCorrupt().stream().map(ShardId::toString)
            .map(Json::quote).collect(Collectors.joining(",", "[", "]"))
        + ",\"Unreadable\":" + r.unreadable() + "}\n";
    exchange.respond(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** A member for a time there is; none before there is one, as for the other replies. */
  private static String instant(String name, Optional<Instant> when) {
    return when.map(at -> ",\"" + name + "\":" + Json.quote(at.toString())).orElse("");
  }
}
