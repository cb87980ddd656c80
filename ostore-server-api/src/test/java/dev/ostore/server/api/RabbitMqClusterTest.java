package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.server.data.DataServerMain;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster: one api server and three data servers, each in its own JVM, over the RabbitMQ
 * broker on this machine, with the tutorial's timings (heartbeat 5 s, expiry 10 s).
 */
@Timeout(300)
class RabbitMqClusterTest {
  static final Path LOGS = Path.of("target", "server-logs");

  @TempDir
  Path root;
  Broker.VirtualHost vhost;
  final List<ServerProcess> processes = new ArrayList<>();
  final int[] dataPorts = new int[3];
  ServerProcess[] dataServers = new ServerProcess[3];
  Http http;
  /** Three copies of everything, two enough to write: any one data server may die. */
  static final String CODE = "1+2";

  @BeforeEach
  void startCluster() throws Exception {
    Broker.requireRunning();
    vhost = new Broker.VirtualHost();
    for (int i = 0; i < 3; i++) {
      dataPorts[i] = ServerProcess.freePort();
      dataServers[i] = startDataServer(i);
    }
    int apiPort = ServerProcess.freePort();
    ServerProcess api = ServerProcess.start(ApiServerMain.class, List.of(),
        Map.of("RABBITMQ_SERVER", vhost.uri(), "LISTEN_ADDRESS", "127.0.0.1:" + apiPort,
            "STORAGE_ROOT", root.resolve("api").toString(), "ERASURE_CODE", CODE),
        List.of(), LOGS.resolve("cluster-api.log"));
    processes.add(api);
    api.awaitStarted(apiPort, Duration.ofSeconds(30));
    http = new Http(URI.create("http://127.0.0.1:" + apiPort));
    awaitLiveServers(3, Duration.ofSeconds(15));
  }

  @AfterEach
  void stopCluster() throws Exception {
    for (ServerProcess process : processes) {
      process.close();
    }
    vhost.close();
  }

  @Test
  void aKilledDataServerDropsOutWhilePutsAndGetsGoOnAndItComesBack() throws Exception {
    for (int i = 0; i < 30; i++) {
      assertEquals(200, http.put("/objects/spread-" + i, "object " + i).statusCode());
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(30, shardsIn(i), "a copy of each object on data server " + i);
    }

    dataServers[0].kill();
    long killed = System.nanoTime();
    int puts = 0;
    while (puts < 5 || liveServers().contains(":" + dataPorts[0] + "\"")) {
      HttpResponse<String> put = http.put("/objects/during-" + puts, "written while one died");
      assertEquals(200, put.statusCode(), "PUT while a data server is dead: " + put.body());
      HttpResponse<String> get = http.get("/objects/spread-" + puts % 30);
      assertEquals(200, get.statusCode(), "GET while a data server is dead: " + get.body());
      assertEquals("object " + puts % 30, get.body());
      puts++;
      assertTrue(System.nanoTime() - killed < Duration.ofSeconds(15).toNanos(),
          "the dead data server is still live after 15 s");
    }

    dataServers[0] = startDataServer(0);
    awaitLiveServers(3, Duration.ofSeconds(15));
    for (int i = 0; i < 30; i++) {
      HttpResponse<String> back = http.get("/objects/spread-" + i);
      assertEquals(200, back.statusCode(), back.body());
      assertEquals("object " + i, back.body());
    }
    for (int i = 0; i < puts; i++) {
      assertEquals("written while one died", http.get("/objects/during-" + i).body());
    }
  }

  @Test
  void bothSidesRecoverWhenTheBrokerRestarts() throws Exception {
    assertEquals(200, http.put("/objects/before", "stored before the restart").statusCode());
    try {
      Broker.rabbitmqctl("stop_app");
      // Bytes already located still flow: data servers speak HTTP, not AMQP. Writes go on to
      // the data servers last heard from: new content needs no broadcast, and content that
      // cannot be located without the broker is stored again.
      assertEquals("stored before the restart", http.get("/objects/before").body());
      HttpResponse<String> put = http.put("/objects/meanwhile", "no broker");
      assertEquals(200, put.statusCode(), put.body());
      assertEquals("no broker", http.get("/objects/meanwhile").body());
      HttpResponse<String> copy = http.put("/objects/copy", "stored before the restart");
      assertEquals(200, copy.statusCode(), copy.body());
      assertEquals("stored before the restart", http.get("/objects/copy").body());
      assertEquals(503, http.get("/locate/?hash=" + "0".repeat(64)).statusCode(),
          "a locate needs the broker");
    } finally {
      Broker.rabbitmqctl("start_app");
    }
    awaitPutSucceeds("after", Duration.ofSeconds(60));
    awaitLiveServers(3, Duration.ofSeconds(30));
    assertEquals("stored before the restart", http.get("/objects/before").body());
  }

  @Test
  void bothSidesRecoverWhenTheBrokerDropsTheirConnections() throws Exception {
    assertEquals(200, http.put("/objects/before", "stored before").statusCode());
    Broker.rabbitmqctl("close_all_connections", "ostore recovery test");
    awaitPutSucceeds("after", Duration.ofSeconds(30));
    awaitLiveServers(3, Duration.ofSeconds(30));
    assertEquals("stored before", http.get("/objects/before").body());
  }

  private ServerProcess startDataServer(int i) throws Exception {
    ServerProcess server = ServerProcess.start(DataServerMain.class, List.of(), Map.of(
            "RABBITMQ_SERVER", vhost.uri(),
            "LISTEN_ADDRESS", "127.0.0.1:" + dataPorts[i],
            "STORAGE_ROOT", root.resolve("data-" + i).toString()),
        List.of(), LOGS.resolve("cluster-data-" + i + ".log"));
    processes.add(server);
    server.awaitStarted(dataPorts[i], Duration.ofSeconds(30));
    return server;
  }

  private String liveServers() throws Exception {
    HttpResponse<String> servers = http.get("/servers");
    assertEquals(200, servers.statusCode());
    return servers.body();
  }

  private void awaitLiveServers(int count, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      String live = liveServers();
      long listed = 0;
      for (int port : dataPorts) {
        listed += live.contains(":" + port + "\"") ? 1 : 0;
      }
      if (listed == count) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "live data servers: " + live);
      Thread.sleep(100);
    }
  }

  private void awaitPutSucceeds(String name, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      HttpResponse<String> put = http.put("/objects/" + name, "recovered");
      if (put.statusCode() == 200) {
        assertEquals("recovered", http.get("/objects/" + name).body());
        return;
      }
      assertEquals(503, put.statusCode(), "while recovering: " + put.body());
      assertTrue(System.nanoTime() < deadline, "no recovery: " + put.body());
      Thread.sleep(250);
    }
  }

  /** How many shard files data server {@code server} holds. */
  private long shardsIn(int server) throws Exception {
    Path shards = root.resolve("data-" + server).resolve("shards");
    try (Stream<Path> files = Files.walk(shards)) {
      return files.filter(Files::isRegularFile).count();
    }
  }
}
