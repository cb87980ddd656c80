package dev.ostore.server.api;

import static java.lang.System.Logger.Level.INFO;

import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.compress.Compression;
import dev.ostore.dataserver.InProcessDataServers;
import dev.ostore.http.HttpService;
import dev.ostore.metadata.StoreIdentity;
import dev.ostore.server.data.DataServer;
import dev.ostore.server.data.DataServerConfig;
import dev.ostore.storage.StorageRoot;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A whole ostore in this process: an api server and data servers on loopback ports, talking over
 * the in-memory bus through the same heartbeat, locate and stream code as a real cluster, but
 * that the api server stores and reads shards by calling the data servers' stores
 * (see {@link InProcessDataServers}). It is the one-command store, and the test double for
 * applications that use ostore:
 *
 * <pre>{@code
 * @Test
 * void savesAndReadsAReport(@TempDir Path dir) throws Exception {
 *   try (LocalCluster cluster = LocalCluster.start(dir)) {
 *     OstoreClient client = OstoreClient.builder(cluster.uri()).build();
 *     client.put("report.txt", report);
 *     try (InputStream in = client.open("report.txt")) {
 *       assertArrayEquals(report, in.readAllBytes());
 *     }
 *   }
 * }
 * }</pre>
 *
 * Data server {@code i} keeps its objects in {@code root/data-i}, so a cluster started again on
 * the same root finds them; the root records how many data servers the store has (see {@link
 * Builder#dataServers}) and is locked while the cluster runs. A cluster logs warnings only
 * unless {@link Builder#verbose} asks for more. Closing stops every server at once, {@link #stop}
 * gracefully; both are idempotent.
 */
public final class LocalCluster implements AutoCloseable {
  private static final System.Logger log = System.getLogger(LocalCluster.class.getName());
  private static final Duration READY_WITHIN = Duration.ofSeconds(10);

  private final StorageRoot root;
  private final MessageBus bus;
  private final InProcessDataServers inProcess;
  /** Each data server's share of one disk's scrub rate: they all scrub the same disk. */
  private final long scrubRate;
  private final long minFreeSpace;
  private final List<DataServer> dataServers = new ArrayList<>();
  private final ApiServer api;
  private final AtomicBoolean open = new AtomicBoolean(true);

  private LocalCluster(StorageRoot root, MessageBus bus, InProcessDataServers inProcess,
      int dataServers, long minFreeSpace, ApiServer api) {
    this.root = root;
    this.bus = bus;
    this.inProcess = inProcess;
    this.scrubRate = DataServerConfig.DEFAULT_SCRUB_RATE / dataServers;
    this.minFreeSpace = minFreeSpace;
    this.api = api;
  }

  /** The data servers {@code root} has (6 for a new store), api server on a loopback port. */
  public static LocalCluster start(Path root) throws IOException {
    return builder(root).start();
  }

  /** {@code dataServers} data servers under {@code root}, api server on a loopback port. */
  public static LocalCluster start(Path root, int dataServers) throws IOException {
    return builder(root).dataServers(dataServers).start();
  }

  /**
   * The store {@code config} describes (its broker setting is ignored: the cluster runs on the
   * in-memory bus). Returns once the api server sees every data server live.
   */
  public static LocalCluster start(ApiServerConfig config) throws IOException {
    return builder(config).start();
  }

  /** A cluster in {@code root}, api server on a free loopback port, to be set up further. */
  public static Builder builder(Path root) {
    return builder(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root));
  }

  /** A cluster as {@code config} describes, to be set up further. */
  public static Builder builder(ApiServerConfig config) {
    return new Builder(config);
  }

  /** Sets up a {@link LocalCluster}: {@code LocalCluster.builder(dir).verbose(true).start()}. */
  public static final class Builder {
    private ApiServerConfig config;
    private boolean verbose;

    private Builder(ApiServerConfig config) {
      this.config = config;
    }

    /**
     * How many data servers a new store has; a store started before keeps its own number and
     * refuses another, since its content is spread over them. Unset: as many as it has, or 6.
     */
    public Builder dataServers(int dataServers) {
      config = config.withDataServers(dataServers);
      return this;
    }

    /**
     * Whether and how new content is stored compressed (default: on, gzip level 1), as {@code
     * COMPRESSION} and {@code COMPRESSION_LEVEL} set it for an api server.
     */
    public Builder compression(Compression compression) {
      config = config.withCompression(compression);
      return this;
    }

    /**
     * Bytes each data server keeps free on the disk (default 256 MiB), as {@code
     * MIN_FREE_SPACE} sets it; {@code Long.MAX_VALUE} gives a store whose disk is full, for
     * testing how an application copes with 507 answers.
     */
    public Builder minFreeSpace(long bytes) {
      config = config.withMinFreeSpace(bytes);
      return this;
    }

    /** Whether ostore logs at INFO (each server's start, each data server seen) or warnings. */
    public Builder verbose(boolean verbose) {
      this.verbose = verbose;
      return this;
    }

    /** Starts the cluster; returns once the api server sees every data server live. */
    public LocalCluster start() throws IOException {
      ClusterLogs.verbose(verbose);
      return LocalCluster.start(config, ApiServer.listen(config));
    }
  }

  /** The api server's port first, then the root: a start refused leaves nothing behind. */
  private static LocalCluster start(ApiServerConfig config, HttpService.Listener listener)
      throws IOException {
    StorageRoot root;
    StoreRecord record;
    try {
      root = StorageRoot.lock(config.storageRoot());
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
    try {
      record = StoreRecord.of(root, config.dataServers());
    } catch (IOException | RuntimeException e) {
      listener.close();
      root.abandon();
      throw e;
    }
    MessageBus bus = MessageBus.inMemory();
    // The api server stores and reads shards by calling the data servers, not over loopback.
    InProcessDataServers inProcess = InProcessDataServers.create();
    LocalCluster cluster;
    try {
      // The api server listens first, so it hears each data server's first heartbeat.
      cluster = new LocalCluster(root, bus, inProcess, record.dataServers(),
          config.minFreeSpace(),
          ApiServer.start(config, listener, Optional.empty(), StoreIdentity.local(record.id()),
              config.layouts(record.dataServers()), bus, InstantSource.system(),
              Optional.of(inProcess)));
    } catch (IOException | RuntimeException e) {
      // Such as metadata that METADATA_URL names and another process holds.
      bus.close();
      root.abandon();
      throw e;
    }
    try {
      record.saveIfMissing(root);
      for (int i = 1; i <= record.dataServers(); i++) {
        Path dir = root.path().resolve(StoreRecord.dataDirectory(i));
        cluster.dataServers.add(cluster.startDataServer(new ServerAddress("127.0.0.1", 0), dir));
      }
      cluster.awaitDataServers();
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    log.log(INFO, () -> "store " + record.id() + " in " + root.path() + ": "
        + record.dataServers() + " data servers");
    return cluster;
  }

  /** The api server's base URI, such as {@code http://127.0.0.1:41234}. */
  public URI uri() {
    return api.address().baseUri();
  }

  public ServerAddress apiAddress() {
    return api.address();
  }

  /** The addresses of the data servers, in the order of their directories. */
  public List<ServerAddress> dataServerAddresses() {
    return dataServers.stream().map(DataServer::address).toList();
  }

  /**
   * Stops data server {@code i} (1-based, as its directory {@code data-i}) at once, as a crash
   * would; {@link #startDataServer} brings it back. For tests of failure and repair.
   */
  public void stopDataServer(int i) {
    dataServers.get(i - 1).close();
  }

  /** Starts data server {@code i} again at its former address, on whatever its directory holds. */
  public void startDataServer(int i) throws IOException {
    ServerAddress address = dataServers.get(i - 1).address();
    Path dir = root.path().resolve(StoreRecord.dataDirectory(i));
    dataServers.set(i - 1, startDataServer(address, dir));
  }

  private DataServer startDataServer(ServerAddress address, Path dir) throws IOException {
    DataServer server = DataServer.start(
        DataServerConfig.embedded(address, dir).withScrubRate(scrubRate)
            .withMinFreeSpace(minFreeSpace), bus);
    server.serveInProcess(inProcess);
    return server;
  }

  /** Stops every server at once: requests in flight are cut off. */
  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      api.close();
      stopTheRest();
    }
  }

  /**
   * Stops gracefully: the api server takes no new connection and lets requests in flight finish
   * for up to {@code grace}, then everything stops. Returns whether every request finished.
   */
  public boolean stop(Duration grace) {
    if (!open.compareAndSet(true, false)) {
      return true;
    }
    // Requests reach the data servers through the api server only: once it is done, they are.
    boolean finished = api.stop(grace);
    stopTheRest();
    return finished;
  }

  private void stopTheRest() {
    dataServers.forEach(DataServer::close);
    bus.close();
    root.close();
  }

  private void awaitDataServers() throws IOException {
    Instant deadline = Instant.now().plus(READY_WITHIN);
    while (api.liveServers().live().size() < dataServers.size()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("data servers did not announce themselves within " + READY_WITHIN);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while starting the cluster");
      }
    }
  }
}
