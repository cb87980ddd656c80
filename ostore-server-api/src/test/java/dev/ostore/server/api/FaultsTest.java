package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.LogCapture;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.TcpProxy;
import dev.ostore.bus.MessageBus;
import dev.ostore.compress.Compression;
import dev.ostore.heartbeat.Heartbeat;
import dev.ostore.heartbeat.HeartbeatPublisher;
import dev.ostore.http.Endpoint;
import dev.ostore.server.data.DataServer;
import dev.ostore.server.data.DataServerConfig;
import dev.ostore.storage.ShardLayout;
import dev.ostore.storage.ShardRecords;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the api server answers when data servers are missing, unreachable or failing. It runs
 * for one data server, so content is one shard (1+0): the whole content, on one server, small
 * content too (none is kept in the metadata store).
 */
@Timeout(60)
class FaultsTest {
  /** How a data server that takes no more uploads answers one. */
  static final Endpoint BUSY = exchange -> exchange.respondText(503,
      "too many uploads in progress on this data server (1)");

  @TempDir
  Path root;
  MessageBus bus;
  ApiServer api;
  Http http;

  @BeforeEach
  void startApiServer() throws Exception {
    bus = MessageBus.inMemory();
    api = startApiServer(1, root);
    http = new Http(api.address().baseUri());
  }

  @AfterEach
  void stop() {
    api.close();
    bus.close();
  }

  @Test
  void withoutDataServersAPutAnswers503AndNothingIsRecorded() throws Exception {
    HttpResponse<String> put = http.put("/objects/x", "bytes");
    assertEquals(503, put.statusCode());
    assertEquals("no data server is live\n", put.body());
    assertEquals(404, http.get("/objects/x").statusCode());
    assertEquals("", http.get("/versions/x").body());
  }

  @Test
  void contentThatNoLiveDataServerHoldsAnswers503() throws Exception {
    try (FakeDataServer data = holding("kept", notKeptInMemory("kept"))) {
      data.shards.clear();
      HttpResponse<String> got = http.get("/objects/kept");
      // Its location was remembered from the PUT: the server's "not here" is no failure of it,
      // and the data servers, asked afresh, hold it nowhere.
      assertEquals(503, got.statusCode(), got.body());
      assertEquals("cannot read kept: 0 of the 1 shards needed are readable on live data "
          + "servers\n", got.body());
      assertEquals(200, http.head("/objects/kept").statusCode(), "HEAD needs only metadata");
    }
  }

  @Test
  void anUnreachableDataServerCostsNoFailedPut() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (Socket nothingListens = TcpProxy.reservedPort();
        DataServer real = DataServer.start(DataServerConfig.embedded(
            new ServerAddress("127.0.0.1", 0), root.resolve("real")), bus)) {
      // Announced as live, but nothing listens there, nor can while the port is held: like a
      // server that died a moment ago.
      try (HeartbeatPublisher ghost = HeartbeatPublisher.start(bus,
          new Heartbeat(new ServerAddress("127.0.0.1", nothingListens.getLocalPort()),
              ServerId.random()),
          Duration.ofSeconds(5), scheduler)) {
        awaitLive(api, 2);
        for (int i = 0; i < 20; i++) {
          HttpResponse<String> put = http.put("/objects/doc-" + i, "body " + i);
          assertEquals(200, put.statusCode(), put.body());
          assertEquals("body " + i, http.get("/objects/doc-" + i).body());
        }
      }
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void aDataServerFailingAPutAnswers502WithItsReasonRecordsNothingAndLeavesNoShard()
      throws Exception {
    // Two copies (1+1), both needed: the copy that was stored must go again.
    try (ApiServer twoCopies = startApiServer(2, root.resolve("two"));
        FakeDataServer failing = new FakeDataServer(bus);
        FakeDataServer working = new FakeDataServer(bus)) {
      failing.onPost = exchange -> {
        exchange.requestBody().readAllBytes();
        exchange.respondText(500, "disk on fire");
      };
      awaitLive(twoCopies, 2);
      Http twoHttp = new Http(twoCopies.address().baseUri());
      HttpResponse<String> put = twoHttp.put("/objects/doomed", "bytes");
      assertEquals(502, put.statusCode());
      assertTrue(put.body().contains("answered 500") && put.body().contains("disk on fire"),
          put.body());
      assertEquals(404, twoHttp.get("/objects/doomed").statusCode());
      assertEquals("", twoHttp.get("/versions/doomed").body());
      assertEquals(0, working.shards.size() + failing.shards.size(), "no shard left behind");
    }
  }

  @Test
  void anUnreachableDataServerIsLoggedOnOneLineWithItsCauseAndNoStackTrace() throws Exception {
    try (FakeDataServer hung = holding("kept", notKeptInMemory("kept"))) {
      hung.stopHttp();
      try (LogCapture log = LogCapture.of("dev.ostore")) {
        HttpResponse<String> got = http.get("/objects/kept");
        assertEquals(502, got.statusCode());
        List<LogRecord> lines = log.containing("api GET /objects/kept -> 502: ");
        assertEquals(1, lines.size(), "one line per failed request");
        assertEquals(Level.WARNING, lines.get(0).getLevel());
        assertTrue(lines.get(0).getMessage().contains("Connection refused"),
            lines.get(0).getMessage());
        for (LogRecord record : log.records()) {
          assertEquals(null, record.getThrown(), "a stack trace for " + record.getMessage());
          assertEquals(1, record.getMessage().lines().count(), record.getMessage());
        }
      }
    }
  }

  @Test
  void aDataServerDyingMidDownloadCutsTheResponse() throws Exception {
    try (FakeDataServer dying = dyingAfter(3_000_000)) {
      // The api server has relayed bytes by then: only a cut connection can tell the client.
      IOException cut = assertThrows(IOException.class, () -> http.getBytes("/objects/big"));
      assertTrue(cut.getMessage() != null, "the client learns the body is incomplete");
    }
  }

  @Test
  void aDataServerDyingBeforeTheApiServerSentAByteIsA502() throws Exception {
    try (FakeDataServer dying = dyingAfter(10_000)) {
      // It dies within the first block: the api server has nothing to send yet.
      HttpResponse<byte[]> got = http.getBytes("/objects/big");
      assertEquals(502, got.statusCode());
      String message = new String(got.body(), StandardCharsets.UTF_8);
      assertTrue(message.startsWith("cannot read big: ")
          && message.contains("after 10000 of " + BIG.capacity() + " bytes"), message);
    }
  }

  /** The one shard of "big", 10 MB of zeros, as its data server sends it with checksums. */
  private static final ByteBuffer BIG = records(new ShardLayout(1, 0, 65536, 10_000_000));

  /** A data server holding a 10 MB object "big", which dies after sending {@code sent} bytes. */
  private FakeDataServer dyingAfter(int sent) throws Exception {
    FakeDataServer dying = holding("big", new byte[10_000_000]);
    dying.onGet = exchange -> {
      exchange.setHeader("Shard-Layout", "1+0/65536");
      exchange.setHeader("Object-Size", "10000000");
      OutputStream out = exchange.respond(200, BIG.capacity());
      out.write(BIG.array(), 0, sent);
      out.flush();
      throw new OstoreException(ErrorCode.STORAGE_FAILED, "disk died");
    };
    return dying;
  }

  private static ByteBuffer records(ShardLayout zeros) {
    ByteBuffer records = ByteBuffer.allocate(
        (int) ShardRecords.length(zeros, 0, zeros.blockCount()));
    for (long b = 0; b < zeros.blockCount(); b++) {
      byte[] block = new byte[zeros.blockLength(b)];
      records.put(block).putInt(ShardRecords.crc(block, 0, block.length, b));
    }
    return records;
  }

  @Test
  void bytesThatDoNotMatchTheirHashAreNeverServedWhole() throws Exception {
    byte[] good = new byte[500_000];
    try (FakeDataServer lying = holding("doc", good)) {
      byte[] bad = good.clone();
      bad[400_000] = 1;
      // Damaged at rest: the checksums stay those of the good bytes.
      lying.shards.replaceAll((id, shard) -> new FakeDataServer.Shard(shard.striping(),
          shard.objectSize(), bad, shard.checksums()));
      try {
        HttpResponse<byte[]> got = http.getBytes("/objects/doc");
        assertTrue(got.statusCode() != 200 || got.body().length < good.length,
            "corrupt bytes served whole");
      } catch (IOException cut) {
        // Cut off before the end: the client cannot take it for the object.
      }
    }
  }

  @Test
  void aDataServerUnreachableForAGetAnswers502() throws Exception {
    try (FakeDataServer holder = holding("gone", notKeptInMemory("content"))) {
      holder.stopHttp();
      HttpResponse<String> got = http.get("/objects/gone");
      assertEquals(502, got.statusCode(), got.body());
      assertTrue(got.body().contains("unreachable"), got.body());
      assertEquals(1, holder.shards.size(), "the content is not lost, only out of reach");
    }
  }

  @Test
  void aPutThatOnlyBusyDataServersRefusedAnswers503WithTheirReasonAndRecordsNothing()
      throws Exception {
    try (FakeDataServer busy = new FakeDataServer(bus);
        FakeDataServer alsoBusy = new FakeDataServer(bus)) {
      busy.onPost = BUSY;
      alsoBusy.onPost = BUSY;
      awaitLive(api, 2);
      HttpResponse<String> refused = http.put("/objects/refused", "no room");
      assertEquals(503, refused.statusCode(), refused.body());
      assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
      assertTrue(refused.body().contains(
          "too many uploads in progress on this data server (1)"), refused.body());
      assertEquals(404, http.get("/objects/refused").statusCode());
    }
  }

  /** A data server that became live and then got {@code content} as {@code name}. */
  /**
   * Content too large for the api server to keep in memory from its PUT on, so that its reads
   * go to the data servers: {@code text} repeated past 64 KiB.
   */
  private static byte[] notKeptInMemory(String text) {
    return text.repeat(70_000 / text.length()).getBytes(StandardCharsets.UTF_8);
  }

  private FakeDataServer holding(String name, byte[] content) throws Exception {
    FakeDataServer data = new FakeDataServer(bus);
    awaitLive(api, 1);
    assertEquals(200, http.put("/objects/" + name, content).statusCode());
    return data;
  }

  /** Compression off: the fake data servers serve shards of content as it came. */
  private ApiServer startApiServer(int dataServers, Path dir) throws IOException {
    return ApiServer.start(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), dir,
        dataServers).withCompression(Compression.OFF).withInlineBelow(0), bus,
        InstantSource.system());
  }

  private static void awaitLive(ApiServer api, int servers) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (api.liveServers().live().size() < servers) {
      assertTrue(System.nanoTime() < deadline, "data servers not live in time");
      Thread.sleep(5);
    }
  }
}
