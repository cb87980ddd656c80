package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.TcpProxy;
import dev.ostore.TestData;
import dev.ostore.bus.MessageBus;
import dev.ostore.server.data.DataServer;
import dev.ostore.server.data.DataServerConfig;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two api servers on one PostgreSQL: what one writes, the other reads. */
@Timeout(60)
class SharedMetadataTest {
  @TempDir
  Path root;
  TestPostgres postgres;
  MessageBus bus;
  final List<AutoCloseable> servers = new ArrayList<>();
  final List<DataServer> dataServers = new ArrayList<>();
  Http first;
  Http second;

  @BeforeEach
  void start() throws Exception {
    postgres = new TestPostgres();
    bus = MessageBus.inMemory();
    first = new Http(startApiServer("first").address().baseUri());
    second = new Http(startApiServer("second").address().baseUri());
    for (int i = 1; i <= 2; i++) {
      DataServer data = DataServer.start(DataServerConfig.embedded(
          new ServerAddress("127.0.0.1", 0), root.resolve("data-" + i)), bus);
      dataServers.add(data);
      servers.add(data);
    }
    awaitLive();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable server : servers) {
      server.close();
    }
    bus.close();
    postgres.close();
  }

  @Test
  void whatOneApiServerWritesTheOtherReads() throws Exception {
    assertEquals(200, first.put("/objects/shared", "written through the first").statusCode());
    assertEquals("written through the first", second.get("/objects/shared").body());
    assertEquals(200, second.put("/objects/shared", "and through the second").statusCode());
    assertEquals("and through the second", first.get("/objects/shared").body());
    assertEquals(VersionsTest.namesAndVersions(first.get("/versions/shared")),
        VersionsTest.namesAndVersions(second.get("/versions/shared")));
    assertEquals(List.of("shared 1", "shared 2"),
        VersionsTest.namesAndVersions(second.get("/versions/")));
    assertEquals(200, second.method("DELETE", "/objects/shared").statusCode());
    HttpResponse<String> gone = first.get("/objects/shared");
    assertEquals(404, gone.statusCode());
    assertEquals("written through the first", first.get("/objects/shared?version=1").body());
  }

  @Test
  void smallContentKeptInPostgresIsReadThroughTheOtherApiServerWithNoDataServer()
      throws Exception {
    byte[] small = TestData.randomBytes(4096, 1);
    byte[] large = TestData.randomBytes(100_000, 2);
    assertEquals(200, first.put("/objects/small", small).statusCode());
    assertEquals(200, first.put("/objects/large", large).statusCode());
    assertEquals("{}", first.get("/locate/small").body());
    for (DataServer data : dataServers) {
      data.close();
    }
    // The second api server never saw the small object: it reads it from PostgreSQL.
    assertArrayEquals(small, second.getBytes("/objects/small").body());
    assertNotEquals(200, second.get("/objects/large").statusCode(), "its data servers are gone");
    byte[] later = TestData.randomBytes(4096, 3);
    assertEquals(200, second.put("/objects/later", later).statusCode());
    assertArrayEquals(later, first.getBytes("/objects/later").body());
  }

  @Test
  void writersOnBothApiServersShareOneNumbering() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertEquals(200, (i % 2 == 0 ? first : second).put("/objects/n", "v" + i).statusCode());
    }
    List<String> versions = VersionsTest.namesAndVersions(first.get("/versions/n"));
    assertEquals(20, versions.size());
    assertTrue(versions.get(19).equals("n 20"), versions.toString());
  }

  @Test
  void aDeleteThatLosesARaceNamesTheTombstoneItFoundNotALiveVersion() throws Exception {
    assertEquals(200, first.put("/objects/k00", "first").statusCode());
    ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int client = 0; client < 4; client++) {
        boolean deleter = client % 2 == 0;
        running.add(clients.submit(() -> {
          for (int i = 0; i < 200; i++) {
            HttpResponse<String> answer = deleter ? first.method("DELETE", "/objects/k00")
                : second.put("/objects/k00", "v" + i);
            if (answer.statusCode() == 404) {
              refusals.add(answer.body());
            } else {
              assertEquals(200, answer.statusCode(), answer.body());
            }
          }
          return null;
        }));
      }
      for (Future<?> client : running) {
        client.get();
      }
    } finally {
      clients.shutdownNow();
    }
    assertTrue(refusals.size() > 0, "no DELETE lost a race");
    List<String> tombstones = first.get("/versions/k00").body().lines()
        .filter(line -> line.contains(",\"Size\":0,\"Hash\":\"\","))
        .map(line -> line.replaceAll(".*\"Version\":(\\d+),.*", "$1")).toList();
    for (String refusal : refusals) {
      assertTrue(refusal.startsWith("object k00 was deleted already, at version "), refusal);
      String version = refusal.strip().replaceAll(".* ", "");
      assertTrue(tombstones.contains(version), refusal + " but version " + version
          + " is not a tombstone");
    }
  }

  @Test
  void anApiServerStartedWhilePostgresIsDownAnswers503ThenRecoversByItself() throws Exception {
    try (TcpProxy database = TcpProxy.startCut(new InetSocketAddress("127.0.0.1", 5432))) {
      Http late = new Http(startApiServer("late",
          postgres.url().replace(":5432/", ":" + database.port() + "/")).address().baseUri());
      awaitLive();
      HttpResponse<String> down = late.put("/objects/early", "too early");
      assertEquals(503, down.statusCode());
      // Nothing of where the database is, or who we are there, reaches a client.
      assertEquals("metadata store unavailable\n", down.body());
      HttpResponse<String> listing = late.get("/versions/");
      assertEquals(503, listing.statusCode());
      assertEquals("metadata store unavailable\n", listing.body());
      database.restore();
      assertEquals(200, late.put("/objects/early", "in time").statusCode());
      assertEquals("in time", first.get("/objects/early").body());
      assertEquals(List.of("early 1"), VersionsTest.namesAndVersions(late.get("/versions/")));
    }
  }

  private ApiServer startApiServer(String name) throws Exception {
    return startApiServer(name, postgres.url());
  }

  private ApiServer startApiServer(String name, String metadataUrl) throws Exception {
    ApiServerConfig embedded = ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0),
        root.resolve(name), 1);
    ApiServer api = ApiServer.start(embedded.withMetadataUrl(metadataUrl), bus,
        InstantSource.system());
    servers.add(api);
    return api;
  }

  private void awaitLive() throws InterruptedException {
    for (AutoCloseable server : servers) {
      if (server instanceof ApiServer api) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (api.liveServers().live().size() < 2) {
          assertTrue(System.nanoTime() < deadline, "data servers not live");
          Thread.sleep(5);
        }
      }
    }
  }
}
