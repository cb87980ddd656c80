package dev.ostore.server.api;

import static java.lang.System.Logger.Level.WARNING;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.ostore.collect.CollectSettings;
import dev.ostore.collect.Collector;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.object.ContentRepair;
import dev.ostore.object.Layouts;
import dev.ostore.object.RepairQueue;
import dev.ostore.repair.RepairService;
import dev.ostore.repair.RepairSettings;
import dev.ostore.upload.Uploads;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What an api server runs beside its requests: the queue that reads and writes report damaged
 * shards to, drained by one thread, the repair service, garbage collection, and the sweep of
 * expired uploads. Closing stops them all at once, cutting a repair short (what it wrote is
 * committed shard by shard, or not at all) and a collection too (what it held stays held, and
 * the next pass restores what is wanted). Idempotent.
 */
final class Background implements AutoCloseable {
  /** Contents waiting for read repair; past that, the repair service finds them. */
  static final int QUEUE_CAPACITY = 1000;
  /** The longest between two sweeps of expired uploads. */
  static final long SWEEP_MINUTES = 5;
  private static final Logger log = System.getLogger(Background.class.getName());

  private final ExecutorService worker;
  private final RepairQueue queue;
  private final RepairService service;
  private final Collector collector;
  private final ScheduledExecutorService sweeper;
  private final AtomicBoolean open = new AtomicBoolean(true);

  private Background(ExecutorService worker, RepairQueue queue, RepairService service,
      Collector collector, ScheduledExecutorService sweeper) {
    this.worker = worker;
    this.queue = queue;
    this.service = service;
    this.collector = collector;
    this.sweeper = sweeper;
  }

  /** {@code name} is the api server's address: with a random suffix, its name in the lease. */
  static Background start(MetadataStore metadata, LiveServers live, Locator locator,
      DataServerClient client, Layouts layouts, Executor commits, RepairSettings settings,
      CollectSettings collect, InstantSource clock, String name) {
    ContentRepair repair = ContentRepair.create(metadata, live, locator, client, layouts,
        commits);
    ExecutorService worker = Executors.newSingleThreadExecutor(
        new ThreadFactoryBuilder().setNameFormat("read-repair").setDaemon(true).build());
    RepairQueue queue = RepairQueue.start(repair, QUEUE_CAPACITY, worker);
    String holder = name + "/" + UUID.randomUUID();
    RepairService service = RepairService.start(metadata, live, client, repair, settings, clock,
        holder);
    Collector collector = Collector.start(metadata, live, client, collect, clock, holder);
    ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
        new ThreadFactoryBuilder().setNameFormat("upload-sweep").setDaemon(true).build());
    return new Background(worker, queue, service, collector, sweeper);
  }

  /**
   * Deletes the uploads that expired, now and then: every {@value #SWEEP_MINUTES} minutes, or
   * as often as they expire when that is sooner. Every api server sweeps; they share the work.
   */
  void sweep(Uploads uploads, Duration expiry) {
    Duration every = expiry.compareTo(Duration.ofMinutes(SWEEP_MINUTES)) < 0
        ? expiry : Duration.ofMinutes(SWEEP_MINUTES);
    sweeper.scheduleWithFixedDelay(() -> {
      try {
        uploads.sweep();
      } catch (IOException | RuntimeException e) {
        log.log(WARNING, () -> "cannot delete the expired uploads now: " + e.getMessage());
      }
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  RepairQueue queue() {
    return queue;
  }

  RepairService service() {
    return service;
  }

  Collector collector() {
    return collector;
  }

  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      sweeper.shutdownNow();
      service.close();
      collector.close();
      worker.shutdownNow();
    }
  }
}
