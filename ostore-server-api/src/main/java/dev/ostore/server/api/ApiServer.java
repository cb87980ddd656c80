package dev.ostore.server.api;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.compress.Compression;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.InProcessDataServers;
import dev.ostore.health.HealthEndpoint;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.http.HttpService;
import dev.ostore.http.Routes;
import dev.ostore.locate.Locator;
import dev.ostore.locate.RollCall;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.StoreIdentity;
import dev.ostore.metrics.MetricsEndpoint;
import dev.ostore.metrics.ServerMetrics;
import dev.ostore.object.Layouts;
import dev.ostore.object.ObjectStore;
import dev.ostore.object.TransferLimit;
import dev.ostore.storage.StorageRoot;
import dev.ostore.upload.Uploads;
import dev.ostore.stream.Transfers;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running api server: the stateless HTTP front of the store. It keeps versions of names in the
 * metadata store, learns the live data servers from their heartbeats, finds content with locate
 * requests, and streams bodies to and from data servers. Closing stops it at once, {@link #stop}
 * gracefully; both are idempotent.
 */
public final class ApiServer implements AutoCloseable {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  /**
   * How long a shard read may lag behind a stripe before a parity shard is read beside it: far
   * above a healthy stripe's few milliseconds, far below the read timeout that fails it.
   */
  static final Duration HEDGE_AFTER = Duration.ofSeconds(1);

  private final MetadataStore metadata;
  private final LiveServers live;
  private final RollCall rollCall;
  private final ExecutorService uploads;
  private final ScheduledExecutorService watchdog;
  private final Transfers transfers;
  private final Background background;
  private final HttpService http;
  private final Optional<StorageRoot> root;
  private final ServerMetrics metrics;
  private final AtomicBoolean open = new AtomicBoolean(true);

  private ApiServer(MetadataStore metadata, LiveServers live, RollCall rollCall,
      ExecutorService uploads, ScheduledExecutorService watchdog, Transfers transfers,
      HttpService http, Optional<StorageRoot> root, ServerMetrics metrics,
      Background background) {
    this.metadata = metadata;
    this.live = live;
    this.rollCall = rollCall;
    this.uploads = uploads;
    this.watchdog = watchdog;
    this.transfers = transfers;
    this.http = http;
    this.root = root;
    this.metrics = metrics;
    this.background = background;
  }

  /**
   * Starts an api server of a cluster using {@code bus}; heartbeats expire, and uploads to a data
   * server that stopped reading them fail, by {@code clock}. When its metadata is in {@code
   * STORAGE_ROOT} (no {@code METADATA_URL}), it locks that root.
   */
  public static ApiServer start(ApiServerConfig config, MessageBus bus, InstantSource clock)
      throws IOException {
    HttpService.Listener listener = listen(config);
    Optional<StorageRoot> root = lockRootIfUsed(config, listener);
    return start(config, listener, root, StoreIdentity.cluster(), layouts(config), bus, clock,
        Optional.empty());
  }

  /** How a server of a cluster lays out new content: as configured, 4+2 by default. */
  static Layouts layouts(ApiServerConfig config) {
    return config.layouts(config.dataServers().orElse(Layouts.DEFAULT.large().totalShards()));
  }

  /** Takes the api server's address, before anything else, so a port in use is found first. */
  static HttpService.Listener listen(ApiServerConfig config) throws IOException {
    return HttpService.listen("api", config.listenAddress(), HttpService.Settings.DEFAULT);
  }

  /** Locks {@code STORAGE_ROOT} when the metadata is kept there; closes {@code listener} if not. */
  static Optional<StorageRoot> lockRootIfUsed(ApiServerConfig config,
      HttpService.Listener listener) throws IOException {
    if (config.metadataUrl().isPresent()) {
      return Optional.empty();
    }
    try {
      return Optional.of(StorageRoot.lock(config.storageRoot()));
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  /**
   * Starts an api server on {@code listener}, serving the metadata of the store {@code
   * identity}; it calls the data servers of {@code inProcess}, if given, in this process. It
   * owns {@code listener} and {@code root} from here on, even when it fails.
   */
  static ApiServer start(ApiServerConfig config, HttpService.Listener listener,
      Optional<StorageRoot> root, StoreIdentity identity, Layouts layouts, MessageBus bus,
      InstantSource clock, Optional<InProcessDataServers> inProcess) throws IOException {
    MetadataStore metadata = null;
    LiveServers live = null;
    RollCall rollCall = null;
    ExecutorService uploads = null;
    ScheduledExecutorService watchdog = null;
    Transfers transfers = null;
    ServerMetrics metrics = null;
    Background background = null;
    try {
      metadata = config.metadataUrl().isPresent()
          ? MetadataStore.open(config.metadataUrl().get(), identity)
          : MetadataStore.embedded(config.embeddedMetadata(), identity);
      live = LiveServers.listen(bus, clock, config.heartbeatExpiry());
      rollCall = RollCall.start(bus, live);
      Locator locator = Locator.overBus(bus, live, config.locateTimeout());
      // One task per upload in flight; the HTTP server's own pool bounds how many there are.
      uploads = Executors.newCachedThreadPool(
          new ThreadFactoryBuilder().setNameFormat("upload-%d").setDaemon(true).build());
      watchdog = watchdog();
      transfers = Transfers.create(uploads, watchdog, clock, CONNECT_TIMEOUT,
          READ_TIMEOUT);
      Routes.Builder routes = Routes.builder();
      DataServerClient overHttp = DataServerClient.overHttp(transfers);
      ExecutorService stores = uploads;
      DataServerClient client = inProcess.map(
          local -> DataServerClient.preferringInProcess(local, overHttp, stores))
          .orElse(overHttp);
      background = Background.start(metadata, live, locator, client, layouts, uploads,
          config.repair(), config.collect(), clock, listener.address().toString());
      TransferLimit transferLimit = config.newTransferLimit();
      ObjectStore objects = ObjectStore.create(metadata, live, locator, client, layouts,
          uploads, HEDGE_AFTER, config.instantUpload(), background.queue(),
          config.compression(), config.smallContentCache().orElseGet(
              ObjectStore::defaultSmallContentCache), transferLimit);
      new ObjectsEndpoints(metadata, objects).addTo(routes);
      Uploads resumable = Uploads.create(metadata, live, locator, client, layouts,
          config.instantUpload(), background.queue(), uploads, clock, config.uploadExpiry(),
          config.uploadLease(), config.compression(), transferLimit);
      new UploadsEndpoints(resumable).addTo(routes);
      new TusEndpoints(resumable).addTo(routes);
      background.sweep(resumable, config.uploadExpiry());
      new VersionsEndpoint(metadata).addTo(routes);
      new LocateEndpoint(live, locator, metadata).addTo(routes);
      new ServersEndpoint(live).addTo(routes);
      PassEndpoint.repair(background.service()).addTo(routes);
      PassEndpoint.collect(background.collector()).addTo(routes);
      metrics = ApiMetrics.start(clock, bus, live, metadata, objects, transferLimit);
      PassMetrics.register(metrics.metrics(), background.service(), background.collector());
      MetricsEndpoint.addTo(routes, metrics.metrics());
      HealthEndpoint.addTo(routes, new ApiHealth(metadata, live, layouts.serversNeeded()));
      HttpService http = listener.serve(routes.build(), metrics.requests());
      return new ApiServer(metadata, live, rollCall, uploads, watchdog, transfers, http, root,
          metrics, background);
    } catch (IOException | RuntimeException e) {
      listener.close();
      release(metadata, live, rollCall, uploads, watchdog, transfers, root, metrics, background);
      throw e;
    }
  }

  public ServerAddress address() {
    return http.address();
  }

  /** The data servers this api server currently sees as live. */
  public LiveServers liveServers() {
    return live;
  }

  /** Stops at once: requests in flight are cut off. */
  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      http.close();
      release(metadata, live, rollCall, uploads, watchdog, transfers, root, metrics, background);
    }
  }

  /**
   * Stops gracefully: takes no new connection, lets requests in flight finish for up to {@code
   * grace}, then stops. Returns whether every request finished; idempotent.
   */
  public boolean stop(Duration grace) {
    if (!open.compareAndSet(true, false)) {
      return true;
    }
    boolean finished = http.stop(grace);
    release(metadata, live, rollCall, uploads, watchdog, transfers, root, metrics, background);
    return finished;
  }

  /** One thread watching every upload for a data server that stopped reading it. */
  private static ScheduledExecutorService watchdog() {
    ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1,
        new ThreadFactoryBuilder().setNameFormat("upload-watchdog").setDaemon(true).build());
    watchdog.setRemoveOnCancelPolicy(true);
    return watchdog;
  }

  /** Frees what a server holds besides its HTTP service: whatever of it was started. */
  private static void release(MetadataStore metadata, LiveServers live, RollCall rollCall,
      ExecutorService uploads, ScheduledExecutorService watchdog, Transfers transfers,
      Optional<StorageRoot> root, ServerMetrics metrics, Background background) {
    // Repairs and collections first: they use everything below.
    if (background != null) {
      background.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (rollCall != null) {
      rollCall.close();
    }
    if (live != null) {
      live.close();
    }
    if (uploads != null) {
      uploads.shutdownNow();
    }
    if (watchdog != null) {
      watchdog.shutdownNow();
    }
    if (transfers != null) {
      transfers.close();
    }
    if (metadata != null) {
      metadata.close();
    }
    root.ifPresent(StorageRoot::close);
  }
}
