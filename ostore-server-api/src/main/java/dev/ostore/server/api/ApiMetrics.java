package dev.ostore.server.api;

import dev.ostore.bus.MessageBus;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.OutageListener;
import dev.ostore.metrics.Counter;
import dev.ostore.metrics.Metrics;
import dev.ostore.metrics.ServerMetrics;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicBoolean;

/** An api server's metrics: every server's, the live data servers, metadata outages. */
final class ApiMetrics {
  private ApiMetrics() {}

  static ServerMetrics start(InstantSource clock, MessageBus bus, LiveServers live,
      MetadataStore metadata) {
    ServerMetrics server = ServerMetrics.start(clock, System::nanoTime, bus);
    Metrics metrics = server.metrics();
    metrics.gauge("ostore_live_data_servers",
        "Data servers whose heartbeat arrived within the expiry.", () -> live.live().size());
    Counter outages = metrics.counter("ostore_metadata_outages_total",
        "Times the metadata database stopped answering.");
    Counter reconnects = metrics.counter("ostore_metadata_reconnects_total",
        "Times the metadata database answered again after an outage.");
    AtomicBoolean down = new AtomicBoolean();
    metrics.gauge("ostore_metadata_reachable",
        "1 unless the metadata database's last call found it unreachable.",
        () -> down.get() ? 0 : 1);
    metadata.addOutageListener(new OutageListener() {
      @Override
      public void began() {
        down.set(true);
        outages.increment();
      }

      @Override
      public void ended() {
        down.set(false);
        reconnects.increment();
      }
    });
    return server;
  }
}
