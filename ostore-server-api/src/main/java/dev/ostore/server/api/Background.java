package dev.ostore.server.api;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.object.ContentRepair;
import dev.ostore.object.Layouts;
import dev.ostore.object.RepairQueue;
import dev.ostore.repair.RepairService;
import dev.ostore.repair.RepairSettings;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The repairs an api server runs beside its requests: the queue that reads and writes report
 * damaged shards to, drained by one thread, and the repair service. Closing stops both at once,
 * cutting a repair short (what it wrote is committed shard by shard, or not at all). Idempotent.
 */
final class Background implements AutoCloseable {
  /** Contents waiting for read repair; past that, the repair service finds them. */
  static final int QUEUE_CAPACITY = 1000;

  private final ExecutorService worker;
  private final RepairQueue queue;
  private final RepairService service;
  private final AtomicBoolean open = new AtomicBoolean(true);

  private Background(ExecutorService worker, RepairQueue queue, RepairService service) {
    this.worker = worker;
    this.queue = queue;
    this.service = service;
  }

  /** {@code name} is the api server's address: with a random suffix, its name in the lease. */
  static Background start(MetadataStore metadata, LiveServers live, Locator locator,
      DataServerClient client, Layouts layouts, Executor commits, RepairSettings settings,
      InstantSource clock, String name) {
    ContentRepair repair = ContentRepair.create(metadata, live, locator, client, layouts,
        commits);
    ExecutorService worker = Executors.newSingleThreadExecutor(
        new ThreadFactoryBuilder().setNameFormat("read-repair").setDaemon(true).build());
    RepairQueue queue = RepairQueue.start(repair, QUEUE_CAPACITY, worker);
    RepairService service = RepairService.start(metadata, live, client, repair, settings, clock,
        name + "/" + UUID.randomUUID());
    return new Background(worker, queue, service);
  }

  RepairQueue queue() {
    return queue;
  }

  RepairService service() {
    return service;
  }

  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      service.close();
      worker.shutdownNow();
    }
  }
}
