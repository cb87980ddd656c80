package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.TcpProxy;
import dev.ostore.server.data.DataServerMain;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker outage as a cluster lives it: an api server and a data server, each in its own JVM,
 * reach the broker through one {@link TcpProxy}, which the test cuts (every connection dropped,
 * new ones closed at once) and restores. The outage lasts until the api server has forgotten the
 * data server, so that only a heartbeat can bring it back.
 */
@Timeout(120)
class BrokerOutageTest {
  /** How soon after the broker's return the store must be whole again. */
  static final Duration RECOVERY = Duration.ofMillis(1500);

  @TempDir
  Path root;
  Broker.VirtualHost vhost;
  final List<ServerProcess> processes = new ArrayList<>();
  TcpProxy broker;
  int dataPort;
  Http http;

  @BeforeEach
  void startCluster() throws Exception {
    Broker.requireRunning();
    vhost = new Broker.VirtualHost();
    broker = TcpProxy.start(new InetSocketAddress("127.0.0.1", 5672));
    String uri = "amqp://guest:guest@127.0.0.1:" + broker.port() + "/" + vhost.name;
    // The tutorial's heartbeat, and an expiry just above it, so that the outage is short.
    dataPort = start(DataServerMain.class, "data", Map.of("RABBITMQ_SERVER", uri,
        "STORAGE_ROOT", root.resolve("data") + "", "HEARTBEAT_INTERVAL", "5s")).port();
    ServerProcess.Listening api = start(ApiServerMain.class, "api", Map.of("RABBITMQ_SERVER", uri,
        "STORAGE_ROOT", root.resolve("api") + "", "HEARTBEAT_EXPIRY", "6s", "ERASURE_CODE", "1+0"));
    http = new Http(api.uri());
    awaitDataServerLive(true, Duration.ofSeconds(30));
  }

  @AfterEach
  void stopCluster() throws Exception {
    for (ServerProcess process : processes) {
      process.close();
    }
    // Either is missing when the broker was unreachable at the start: that failure is the news.
    if (broker != null) {
      broker.close();
    }
    if (vhost != null) {
      vhost.close();
    }
  }

  @Test
  void theDataServerIsLiveAgainWithinASecondAndAHalfOfTheBrokersReturn() throws Exception {
    assertEquals(200, http.put("/objects/before", "stored before").statusCode());
    broker.cut();
    awaitDataServerLive(false, Duration.ofSeconds(30));
    HttpResponse<String> during = http.put("/objects/during",
        "no data server is live, and this is too large for the metadata store ".repeat(300));
    assertEquals(503, during.statusCode(), during.body());
    // Small content is kept in the metadata store, so it needs no data server.
    HttpResponse<String> small = http.put("/objects/small", "kept in the metadata store");
    assertEquals(200, small.statusCode(), small.body());

    broker.restore();
    long back = System.nanoTime();
    awaitDataServerLive(true, Duration.ofSeconds(30));
    Duration recovery = Duration.ofNanos(System.nanoTime() - back);
    assertTrue(recovery.compareTo(RECOVERY) < 0, "live again after " + recovery);
    assertEquals(200, http.put("/objects/after", "stored after").statusCode());
    assertEquals("stored before", http.get("/objects/before").body());
    assertEquals("kept in the metadata store", http.get("/objects/small").body());
  }

  /** Starts {@code main} with {@code env} and a {@code LISTEN_ADDRESS} of its own. */
  private ServerProcess.Listening start(Class<?> main, String name, Map<String, String> env)
      throws Exception {
    return ServerProcess.startOnFreePort(port -> {
      Map<String, String> all = new HashMap<>(env);
      all.put("LISTEN_ADDRESS", "127.0.0.1:" + port);
      ServerProcess process = ServerProcess.start(main, List.of(), all, List.of(),
          ProcessCluster.LOGS.resolve("broker-outage-" + name + ".log"));
      processes.add(process);
      return process;
    }, Duration.ofSeconds(30));
  }

  /** Polls {@code /servers} until the data server is listed ({@code live}) or no longer is. */
  private void awaitDataServerLive(boolean live, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (http.get("/servers").body().contains(":" + dataPort + "\"") != live) {
      assertTrue(System.nanoTime() < deadline, "data server live: " + !live + " after " + within);
      Thread.sleep(20);
    }
  }
}
