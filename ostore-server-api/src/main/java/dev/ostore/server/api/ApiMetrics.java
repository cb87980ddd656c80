package dev.ostore.server.api;

import com.google.common.collect.Maps;
import dev.ostore.bus.MessageBus;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.OutageListener;
import dev.ostore.metrics.CacheStats;
import dev.ostore.metrics.Counter;
import dev.ostore.metrics.Metrics;
import dev.ostore.metrics.ServerMetrics;
import dev.ostore.object.ObjectStore;
import dev.ostore.object.TransferLimit;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * An api server's metrics: every server's, the live data servers, metadata outages, what its
 * caches in memory serve, and its transfers in shards against their limit.
 */
final class ApiMetrics {
  private ApiMetrics() {}

  static ServerMetrics start(InstantSource clock, MessageBus bus, LiveServers live,
      MetadataStore metadata, ObjectStore objects, TransferLimit transfers) {
    ServerMetrics server = ServerMetrics.start(clock, System::nanoTime, bus);
    Metrics metrics = server.metrics();
    registerCaches(metrics, metadata, objects);
    metrics.gauge("ostore_transfers_in_progress",
        "PUTs, GETs and resumable appends of content in shards streaming now.",
        transfers::running);
    metrics.gauge("ostore_transfers_limit",
        "The most such transfers streamed at once (MAX_TRANSFERS).",
        transfers::most);
    metrics.counter("ostore_transfers_refused_total",
        "Transfers answered 503 having waited TRANSFER_WAIT for another to end.",
        transfers::refused);
    metrics.gauge("ostore_live_data_servers",
        "Data servers whose heartbeat arrived within the expiry.", () -> live.live().size());
    metrics.gauge("ostore_full_data_servers",
        "Live data servers whose heartbeat says they take no new shards (MIN_FREE_SPACE).",
        () -> live.live().size() - live.withRoom().size());
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

  /** Hits, misses and entries of each cache, labelled with its name; read at each scrape. */
  private static void registerCaches(Metrics metrics, MetadataStore metadata,
      ObjectStore objects) {
    Map<String, Supplier<CacheStats>> caches = new LinkedHashMap<>();
    caches.put("small_contents", objects::smallContentsCache);
    if (metadata.latestVersionsCache().isPresent()) {
      caches.put("latest_versions", () -> metadata.latestVersionsCache().orElseThrow());
    }
    metrics.counters("ostore_cache_hits_total", "Reads a cache in memory answered.", "cache",
        Maps.transformValues(caches, cache -> () -> cache.get().hits()));
    metrics.counters("ostore_cache_misses_total",
        "Reads a cache in memory could not answer, which read elsewhere.", "cache",
        Maps.transformValues(caches, cache -> () -> cache.get().misses()));
    metrics.gauges("ostore_cache_entries", "Entries a cache in memory holds.", "cache",
        Maps.transformValues(caches, cache -> () -> cache.get().entries()));
  }
}
