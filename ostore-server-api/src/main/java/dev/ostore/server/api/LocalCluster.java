package dev.ostore.server.api;

import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.server.data.DataServer;
import dev.ostore.server.data.DataServerConfig;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A whole ostore in this process: an api server and data servers on loopback ports, talking over
 * the in-memory bus through the same heartbeat, locate and stream code as a real cluster. It is
 * the one-command store, and the test double for applications that use ostore:
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
 * the same root finds them. Closing stops every server; idempotent.
 */
public final class LocalCluster implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(10);

  private final MessageBus bus;
  private final List<DataServer> dataServers;
  private final ApiServer api;
  private final AtomicBoolean open = new AtomicBoolean(true);

  private LocalCluster(MessageBus bus, List<DataServer> dataServers, ApiServer api) {
    this.bus = bus;
    this.dataServers = dataServers;
    this.api = api;
  }

  /** Three data servers under {@code root} and an api server on a free loopback port. */
  public static LocalCluster start(Path root) throws IOException {
    return start(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root, 3));
  }

  /** {@code dataServers} data servers under {@code root}, api server on a free loopback port. */
  public static LocalCluster start(Path root, int dataServers) throws IOException {
    return start(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root, dataServers));
  }

  /**
   * The store {@code config} describes (its broker setting is ignored: the cluster runs on the
   * in-memory bus). Returns once the api server sees every data server live.
   */
  public static LocalCluster start(ApiServerConfig config) throws IOException {
    MessageBus bus = MessageBus.inMemory();
    // The api server listens first, so it hears each data server's first heartbeat.
    ApiServer api = ApiServer.start(config, bus, InstantSource.system());
    LocalCluster cluster = new LocalCluster(bus, new ArrayList<>(), api);
    try {
      for (int i = 1; i <= config.dataServers(); i++) {
        Path dir = config.storageRoot().resolve("data-" + i);
        cluster.dataServers.add(DataServer.start(
            DataServerConfig.embedded(new ServerAddress("127.0.0.1", 0), dir), bus));
      }
      cluster.awaitDataServers();
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
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

  @Override
  public void close() {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    api.close();
    dataServers.forEach(DataServer::close);
    bus.close();
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
