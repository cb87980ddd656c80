package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  /** Three copies of everything, two enough to write: any one data server may die. */
  static final String CODE = "1+2";
  /** Every content on the data servers, small ones too (none in the metadata store). */
  static final Map<String, String> ENV = Map.of("ERASURE_CODE", CODE, "INLINE_BELOW", "0");

  @TempDir
  Path root;
  ProcessCluster cluster;
  Http http;

  @BeforeEach
  void startCluster() throws Exception {
    cluster = ProcessCluster.start(root, new ProcessCluster.Spec("cluster", 3, List.of(),
        ENV, List.of(), Map.of()));
    http = cluster.http();
  }

  @AfterEach
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aKilledDataServerDropsOutWhilePutsAndGetsGoOnAndItComesBack() throws Exception {
    for (int i = 0; i < 30; i++) {
      assertEquals(200, http.put("/objects/spread-" + i, "object " + i).statusCode());
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(30, shardsIn(i), "a copy of each object on data server " + i);
    }

    cluster.killData(0);
    long killed = System.nanoTime();
    int puts = 0;
    while (puts < 5 || cluster.listsLive(cluster.liveServers(), 0)) {
      HttpResponse<String> put = http.put("/objects/during-" + puts, "written while one died");
      assertEquals(200, put.statusCode(), "PUT while a data server is dead: " + put.body());
      HttpResponse<String> get = http.get("/objects/spread-" + puts % 30);
      assertEquals(200, get.statusCode(), "GET while a data server is dead: " + get.body());
      assertEquals("object " + puts % 30, get.body());
      puts++;
      assertTrue(System.nanoTime() - killed < Duration.ofSeconds(15).toNanos(),
          "the dead data server is still live after 15 s");
    }

    cluster.startData(Set.of(0));
    cluster.awaitLive(ALL, Duration.ofSeconds(15));
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
  void aDataServerWhoseDiskIsFullTakesNoNewCopiesWhileTheOthersDo() throws Exception {
    assertEquals(200, http.put("/objects/before", "stored before").statusCode());
    cluster.killData(2);
    cluster.startData(Set.of(2), Map.of("MIN_FREE_SPACE", Long.toString(Long.MAX_VALUE)));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!cluster.listsFull(cluster.liveServers(), 2)) {
      assertTrue(System.nanoTime() < deadline, "never heard full: " + cluster.liveServers());
      Thread.sleep(100);
    }

    for (int i = 0; i < 10; i++) {
      HttpResponse<String> put = http.put("/objects/while-full-" + i, "object " + i);
      assertEquals(200, put.statusCode(), put.body());
    }
    assertEquals(1, shardsIn(2), "the full data server took no new copy");
    assertEquals(11, shardsIn(0));
    assertEquals(11, shardsIn(1));
    assertEquals("stored before", http.get("/objects/before").body());
    for (int i = 0; i < 10; i++) {
      assertEquals("object " + i, http.get("/objects/while-full-" + i).body());
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

  /** How many shards data server {@code server} holds. */
  private long shardsIn(int server) throws Exception {
    return cluster.shardsOf(server).size();
  }
}
