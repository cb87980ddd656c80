package dev.ostore.server.data;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.bus.MessageBus;
import dev.ostore.dataserver.InProcessDataServers;
import dev.ostore.health.HealthEndpoint;
import dev.ostore.heartbeat.Heartbeat;
import dev.ostore.heartbeat.HeartbeatPublisher;
import dev.ostore.http.HttpService;
import dev.ostore.http.Routes;
import dev.ostore.locate.LocateResponder;
import dev.ostore.metrics.MetricsEndpoint;
import dev.ostore.metrics.ServerMetrics;
import dev.ostore.scrub.Scrubber;
import dev.ostore.storage.ContentStore;
import dev.ostore.storage.DiskRoom;
import dev.ostore.storage.ServerIdFile;
import dev.ostore.storage.ShardStore;
import dev.ostore.storage.StorageRoot;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A running data server: keeps content by its SHA-256, takes new content through temporary objects,
 * serves it over HTTP checked against its hash, keeps the shards of erasure-coded content (also
 * those uploaded over several requests), announces itself on the bus and answers locate requests
 * for the hashes it holds. It holds the lock on its storage root while it runs, so a second server
 * on the same root refuses to start. Closing stops all of it at once, {@link #stop} gracefully;
 * both are idempotent.
 *
 * <pre>{@code
 * try (DataServer server = DataServer.start(
 *     DataServerConfig.embedded(new ServerAddress("127.0.0.1", 0), dir), bus)) {
 *   ServerAddress where = server.address();
 * }
 * }</pre>
 */
public final class DataServer implements AutoCloseable {
  private static final Logger log = System.getLogger(DataServer.class.getName());
  /**
   * How often resumable uploads past their expiry, and shards and content held past their time,
   * are sought: at most this long apart, and more often when the hold period is shorter.
   */
  static final Duration SHARD_SWEEP = Duration.ofMinutes(1);

  private final StorageRoot root;
  private final ServerId id;
  private final ContentStore store;
  private final ShardStore shards;
  private final HttpService http;
  private final ScheduledExecutorService scheduler;
  private final Optional<Scrubbing> scrubbing;
  private final LocateResponder responder;
  private final HeartbeatPublisher heartbeat;
  private final ServerMetrics metrics;
  private final AtomicBoolean open = new AtomicBoolean(true);
  private volatile Optional<InProcessDataServers> inProcess = Optional.empty();

  private DataServer(StorageRoot root, ServerId id, ContentStore store, ShardStore shards,
      HttpService http, ScheduledExecutorService scheduler, Optional<Scrubbing> scrubbing,
      LocateResponder responder, HeartbeatPublisher heartbeat, ServerMetrics metrics) {
    this.root = root;
    this.id = id;
    this.store = store;
    this.shards = shards;
    this.http = http;
    this.scheduler = scheduler;
    this.scrubbing = scrubbing;
    this.responder = responder;
    this.heartbeat = heartbeat;
    this.metrics = metrics;
  }

  /** Starts a data server on {@code bus}; on port 0 it announces the port it got. */
  public static DataServer start(DataServerConfig config, MessageBus bus) throws IOException {
    return start(config, bus, InstantSource.system());
  }

  /**
   * As {@link #start(DataServerConfig, MessageBus)}, temporary objects and resumable uploads
   * expiring by {@code clock}.
   */
  public static DataServer start(DataServerConfig config, MessageBus bus, InstantSource clock)
      throws IOException {
    HttpService.Listener listener = listen(config);
    return start(config, listener, lockRoot(config, listener), bus, clock);
  }

  /** Takes the server's address, before anything else, so a port in use is found first. */
  static HttpService.Listener listen(DataServerConfig config) throws IOException {
    return HttpService.listen("data", config.listenAddress(), HttpService.Settings.DEFAULT);
  }

  /** Locks the server's storage root; closes {@code listener} if it cannot. */
  static StorageRoot lockRoot(DataServerConfig config, HttpService.Listener listener)
      throws IOException {
    try {
      return StorageRoot.lock(config.storageRoot());
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  /**
   * Starts a data server on an address taken and a root locked already, so that a port in use
   * or a root that cannot be had is found before anything else starts. The server owns both from
   * here on, even when it fails to start.
   */
  static DataServer start(DataServerConfig config, HttpService.Listener listener,
      StorageRoot root, MessageBus bus, InstantSource clock) throws IOException {
    HttpService http = null;
    ScheduledExecutorService scheduler = null;
    ContentStore store = null;
    ShardStore shards = null;
    ServerMetrics metrics = null;
    Optional<Scrubbing> scrubbing = Optional.empty();
    try {
      ServerId id = ServerIdFile.readOrCreate(root);
      DiskRoom room = DiskRoom.of(root.path(), config.minFreeSpace(), clock);
      store = ContentStore.onDisk(root.path(), clock, config.tempExpiry(),
          config.maxTempObjects(), config.holdFor(), room);
      // Shard uploads hold a file each, as temporary objects do: the same cap, apart.
      shards = ShardStore.onDisk(root.path(), config.maxTempObjects(), clock,
          config.holdFor(), config.directIo(), room);
      Routes.Builder routes = Routes.builder();
      new ContentEndpoints(store, id).addTo(routes);
      new HeldContentEndpoints(store, id).addTo(routes);
      new TempEndpoints(store).addTo(routes);
      new ShardEndpoints(shards, id).addTo(routes);
      new HoldingEndpoints(shards, id).addTo(routes);
      new UploadEndpoints(shards.resumable(), id).addTo(routes);
      scrubbing = scrub(config, shards, clock, listener);
      new ScrubEndpoint(scrubbing.map(Scrubbing::scrubber)).addTo(routes);
      metrics = ServerMetrics.start(clock, System::nanoTime, bus);
      DiskGauges.register(metrics.metrics(), root.path());
      MetricsEndpoint.addTo(routes, metrics.metrics());
      HealthEndpoint.addTo(routes, new DataHealth(root.path()));
      http = listener.serve(routes.build(), metrics.requests());
      ServerAddress self = http.address();
      scheduler = Executors.newSingleThreadScheduledExecutor(
          daemonThreads("data-" + self.port() + "-tasks"));
      ContentStore opened = store;
      ShardStore openedShards = shards;
      LocateResponder responder = LocateResponder.start(bus, self, id,
          key -> holds(opened, key), key -> shardsHeld(openedShards, key));
      HeartbeatPublisher heartbeat = HeartbeatPublisher.start(bus,
          () -> new Heartbeat(self, id, room.free()),
          config.heartbeatInterval(), scheduler);
      long sweep = Math.max(1, config.tempExpiry().toMillis() / 4);
      scheduler.scheduleWithFixedDelay(() -> expire(opened), sweep, sweep,
          TimeUnit.MILLISECONDS);
      long shardSweep = Math.max(1, Math.min(SHARD_SWEEP.toMillis(),
          config.holdFor().toMillis() / 2));
      scheduler.scheduleWithFixedDelay(() -> sweep(openedShards, opened), shardSweep,
          shardSweep, TimeUnit.MILLISECONDS);
      return new DataServer(root, id, store, shards, http, scheduler, scrubbing, responder,
          heartbeat, metrics);
    } catch (IOException | RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
      scrubbing.ifPresent(Scrubbing::close);
      if (http != null) {
        http.close();
      }
      listener.close();
      if (store != null) {
        store.close();
      }
      if (shards != null) {
        shards.close();
      }
      root.close();
      throw e;
    }
  }

  /**
   * The scrubber and the thread of its own it runs on: a step waits for the disk, and must not
   * hold up a heartbeat on the server's other thread.
   */
  private record Scrubbing(Scrubber scrubber, ScheduledExecutorService thread)
      implements AutoCloseable {
    @Override
    public void close() {
      scrubber.close();
      thread.shutdownNow();
    }
  }

  /** Scrubbing at the configured rate; none at rate 0. */
  private static Optional<Scrubbing> scrub(DataServerConfig config, ShardStore shards,
      InstantSource clock, HttpService.Listener listener) {
    if (config.scrubRate() == 0) {
      return Optional.empty();
    }
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
        daemonThreads("data-" + listener.address().port() + "-scrub"));
    return Optional.of(new Scrubbing(Scrubber.start(shards, config.scrubRate(),
        config.scrubInterval(), clock, thread), thread));
  }

  private static ThreadFactory daemonThreads(String name) {
    return new ThreadFactoryBuilder().setNameFormat(name).setDaemon(true).build();
  }

  /** Where this server listens and what it announces. */
  public ServerAddress address() {
    return http.address();
  }

  /** Which server this is: the id kept in its storage root, announced with its address. */
  public ServerId id() {
    return id;
  }

  /**
   * Lets the api servers of this process store and read this server's shards through {@code
   * servers} by calling its store, besides over HTTP, until it stops. Once, to one set.
   */
  public void serveInProcess(InProcessDataServers servers) {
    inProcess = Optional.of(servers);
    servers.add(address(), shards);
  }

  /** Stops at once: requests in flight are cut off. */
  @Override
  public void close() {
    stopAfter(() -> {
      http.close();
      return true;
    });
  }

  /**
   * Stops gracefully: takes no new connection, lets requests in flight finish for up to {@code
   * grace}, then stops announcing itself and releases its storage root. Returns whether every
   * request finished; idempotent.
   */
  public boolean stop(Duration grace) {
    return stopAfter(() -> http.stop(grace));
  }

  private boolean stopAfter(BooleanSupplier stopHttp) {
    if (!open.compareAndSet(true, false)) {
      return true;
    }
    inProcess.ifPresent(servers -> servers.remove(address(), shards));
    // Still announced and answering locates while the last transfers finish.
    boolean finished = stopHttp.getAsBoolean();
    heartbeat.close();
    responder.close();
    metrics.close();
    scheduler.shutdownNow();
    // Before the shards it reads are closed.
    scrubbing.ifPresent(Scrubbing::close);
    // After the HTTP server: no request is left to open a temporary object meanwhile.
    store.close();
    shards.close();
    root.close();
    return finished;
  }

  /** Locate keys are hashes in hex. */
  private static boolean holds(ContentStore store, String key) {
    try {
      return store.contains(ContentHash.parse(key));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The indexes of the key's shards held here; none for a key that is not a hash. */
  private static List<Integer> shardsHeld(ShardStore shards, String key) {
    try {
      return shards.held(ContentHash.parse(key));
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  /**
   * Deletes resumable uploads past their expiry, and shards and content held longer than the
   * hold period; all are also at start, and expired uploads when asked for.
   */
  private static void sweep(ShardStore shards, ContentStore store) {
    try {
      int expired = shards.resumable().expire();
      if (expired > 0) {
        log.log(INFO, () -> "deleted " + expired + " expired resumable uploads");
      }
    } catch (RuntimeException e) {
      log.log(WARNING, () -> "expiring resumable uploads failed: " + e.getMessage());
    }
    try {
      shards.purgeHeld(); // logs each shard it deletes
    } catch (IOException | RuntimeException e) {
      log.log(WARNING, () -> "deleting shards held past their time failed: " + e.getMessage());
    }
    try {
      store.purgeHeld(); // logs each content it deletes
    } catch (IOException | RuntimeException e) {
      log.log(WARNING, () -> "deleting content held past its time failed: " + e.getMessage());
    }
  }

  private static void expire(ContentStore store) {
    try {
      store.expireTemps();
    } catch (IOException | RuntimeException e) {
      log.log(WARNING, () -> "expiring temporary objects failed: " + e.getMessage());
    }
  }
}
