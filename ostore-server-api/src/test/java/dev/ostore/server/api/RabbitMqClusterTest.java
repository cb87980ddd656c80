package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private static final Set<Integer> ALL = ProcessCluster.allData(3);

  @TempDir
  Path root;
  ProcessCluster cluster;
  Http http;

  @BeforeEach
  void startCluster() throws Exception {
    cluster = ProcessCluster.start(root, new ProcessCluster.Spec("cluster", 3, List.of(),
        Map.of(), List.of(), Map.of()));
    http = cluster.http();
  }

  @AfterEach
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aKilledDataServerDropsOutWhilePutsSucceedAndItsObjectsReturnWithIt() throws Exception {
    for (int i = 0; i < 30; i++) {
      assertEquals(200, http.put("/objects/spread-" + i, "object " + i).statusCode());
    }
    assertTrue(serversHolding() >= 2, "objects spread over the data servers");
    List<String> onVictim = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String hash = dev.ostore.ContentHash.sha256(("object " + i).getBytes(
          java.nio.charset.StandardCharsets.UTF_8)).hex();
      if (namesIn(0).contains(hash)) {
        onVictim.add("spread-" + i);
      }
    }
    assertTrue(!onVictim.isEmpty(), "the first data server holds something");

    cluster.killData(0);
    long killed = System.nanoTime();
    int puts = 0;
    while (cluster.listsLive(cluster.liveServers(), 0)) {
      HttpResponse<String> put = http.put("/objects/during-" + puts, "written while one died");
      assertEquals(200, put.statusCode(), "PUT while a data server is dead: " + put.body());
      puts++;
      assertTrue(System.nanoTime() - killed < Duration.ofSeconds(15).toNanos(),
          "the dead data server is still live after 15 s");
    }
    assertTrue(puts > 0);
    HttpResponse<String> missing = http.get("/objects/" + onVictim.get(0));
    assertTrue(missing.statusCode() == 503 || missing.statusCode() == 502,
        "its objects are unavailable while it is away: " + missing.statusCode() + " "
            + missing.body());

    cluster.startData(Set.of(0));
    cluster.awaitLive(ALL, Duration.ofSeconds(15));
    for (String name : onVictim) {
      HttpResponse<String> back = http.get("/objects/" + name);
      assertEquals(200, back.statusCode(), name);
      assertEquals("object " + name.substring("spread-".length()), back.body());
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
    cluster.awaitLive(ALL, Duration.ofSeconds(30));
    assertEquals("stored before the restart", http.get("/objects/before").body());
  }

  @Test
  void bothSidesRecoverWhenTheBrokerDropsTheirConnections() throws Exception {
    assertEquals(200, http.put("/objects/before", "stored before").statusCode());
    Broker.rabbitmqctl("close_all_connections", "ostore recovery test");
    awaitPutSucceeds("after", Duration.ofSeconds(30));
    cluster.awaitLive(ALL, Duration.ofSeconds(30));
    assertEquals("stored before", http.get("/objects/before").body());
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

  private long serversHolding() throws Exception {
    long holding = 0;
    for (int i = 0; i < 3; i++) {
      holding += namesIn(i).isEmpty() ? 0 : 1;
    }
    return holding;
  }

  private List<String> namesIn(int server) throws Exception {
    try (Stream<Path> files = Files.list(cluster.dataRoot(server).resolve("objects"))) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }
}
