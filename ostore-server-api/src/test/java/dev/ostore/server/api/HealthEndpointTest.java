package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.ostore.ServerAddress;
import dev.ostore.TcpProxy;
import dev.ostore.bus.MessageBus;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.metrics.PrometheusText;
import dev.ostore.server.data.DataServer;
import dev.ostore.server.data.DataServerConfig;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health} as a load balancer polls it: ready while a write could succeed, 503 naming
 * what is missing while it could not, ready again once it is back. Heartbeats expire by a fake
 * clock; the metadata database goes away behind a TCP proxy.
 */
@Timeout(60)
class HealthEndpointTest {
  @TempDir
  Path root;
  final MessageBus bus = MessageBus.inMemory();
  final FakeClock clock = new FakeClock();
  ApiServer api;
  Http http;

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
    bus.close();
  }

  @Test
  void theApiServerIsReadyOnlyWhileADataServerIsLive() throws Exception {
    start(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root.resolve("api"), 1));
    assertHealth(503, "0 data servers are live, 1 needed for a write");
    try (DataServer data = startDataServer("data")) {
      awaitLive(1);
      assertHealth(200, "ready");
      assertEquals(200, http.head("/health").statusCode());
    }
    clock.advance(ApiServerConfig.DEFAULT_EXPIRY);
    assertHealth(503, "0 data servers are live, 1 needed for a write");
    HttpResponse<String> head = http.head("/health");
    assertEquals(503, head.statusCode());
    assertEquals("0 data servers are live, 1 needed for a write",
        head.headers().firstValue("Error-Message").orElseThrow(), "HEAD has no body");
    try (DataServer again = startDataServer("data")) {
      awaitLive(1);
      assertHealth(200, "ready");
    }
  }

  @Test
  void theApiServerIsNotReadyWhileItsMetadataDatabaseIsUnreachable() throws Exception {
    try (TestPostgres postgres = new TestPostgres();
        DataServer data = startDataServer("data");
        TcpProxy database = TcpProxy.start(new InetSocketAddress("127.0.0.1", 5432))) {
      String url = postgres.url().replace(":5432/", ":" + database.port() + "/");
      ApiServerConfig embedded = ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0),
          root.resolve("api"), 1);
      start(embedded.withMetadataUrl(url));
      awaitLive(1);
      assertHealth(200, "ready");

      database.cut();
      assertHealth(503, "metadata store unavailable");
      assertEquals(0, metric("ostore_metadata_reachable"));
      assertEquals(1, metric("ostore_metadata_outages_total"));

      database.restore();
      assertHealth(200, "ready");
      assertEquals(1, metric("ostore_metadata_reachable"));
      assertEquals(1, metric("ostore_metadata_reconnects_total"));
    }
  }

  @Test
  void bothMissingAreNamedOnOneLine() throws Exception {
    ApiServerConfig embedded = ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0),
        root.resolve("api"), 1);
    try (Socket nothingListens = TcpProxy.reservedPort()) {
      start(embedded.withMetadataUrl("jdbc:postgresql://127.0.0.1:"
          + nothingListens.getLocalPort() + "/x"));
      assertHealth(503,
          "metadata store unavailable; 0 data servers are live, 1 needed for a write");
    }
  }

  @Test
  void aDataServerIsReadyWhileItsStorageRootIsWritable() throws Exception {
    start(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root.resolve("api"), 1));
    try (DataServer data = startDataServer("data")) {
      Http direct = new Http(data.address().baseUri());
      HttpResponse<String> ready = direct.get("/health");
      assertEquals(200, ready.statusCode());
      assertEquals("ready\n", ready.body());
      MoreFiles.deleteRecursively(root.resolve("data"), RecursiveDeleteOption.ALLOW_INSECURE);
      HttpResponse<String> gone = direct.get("/health");
      assertEquals(503, gone.statusCode());
      assertTrue(gone.body().startsWith("the storage root " + root.resolve("data")
          + " is not writable: "), gone.body());
    }
  }

  @Test
  void otherMethodsAndQueryParametersAreRefusedAsEverywhere() throws Exception {
    start(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root.resolve("api"), 1));
    HttpResponse<String> post = http.method("POST", "/health");
    assertEquals(405, post.statusCode());
    assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
    assertEquals(400, http.get("/health?verbose=1").statusCode());
    HttpResponse<String> put = http.method("PUT", "/metrics");
    assertEquals(405, put.statusCode());
    assertEquals("GET", put.headers().firstValue("Allow").orElseThrow());
  }

  private void start(ApiServerConfig config) throws Exception {
    api = ApiServer.start(config, bus, clock);
    http = new Http(api.address().baseUri());
  }

  private DataServer startDataServer(String dir) throws Exception {
    return DataServer.start(DataServerConfig.embedded(new ServerAddress("127.0.0.1", 0),
        root.resolve(dir)), bus, clock);
  }

  private void assertHealth(int status, String reason) throws Exception {
    HttpResponse<String> got = http.get("/health");
    assertEquals(reason + "\n", got.body());
    assertEquals(status, got.statusCode());
  }

  private double metric(String name) throws Exception {
    return PrometheusText.sum(MetricsEndpointTest.scrape(http), name, Map.of());
  }

  /** Heartbeats arrive on the bus's threads: wait for them, bounded. */
  private void awaitLive(int servers) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (api.liveServers().live().size() < servers) {
      assertTrue(System.nanoTime() < deadline, "data servers not live in time");
      Thread.sleep(5);
    }
  }
}
