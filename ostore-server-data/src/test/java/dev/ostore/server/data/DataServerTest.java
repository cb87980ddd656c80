package dev.ostore.server.data;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.Json;
import dev.ostore.ServerId;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import dev.ostore.heartbeat.Heartbeat;
import dev.ostore.locate.LocateReply;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A data server through its HTTP endpoints and its bus messages. */
@Timeout(30)
class DataServerTest {
  @TempDir
  Path root;
  MessageBus bus;
  BlockingQueue<Message> heartbeats = new LinkedBlockingQueue<>();
  Subscription listening;
  DataServer server;
  URI base;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    bus = MessageBus.inMemory();
    listening = bus.subscribe(MessageBus.API_SERVERS, heartbeats::add);
    server = DataServer.start(TestConfig.at(root).heartbeat(Duration.ofMillis(100)).build(),
        bus);
    base = server.address().baseUri();
  }

  @AfterEach
  void stop() {
    server.close();
    listening.close();
    bus.close();
  }

  @Test
  void storesContentThroughATemporaryObjectAndServesItByHash() throws Exception {
    ContentHash hash = store("hello world");
    HttpResponse<String> got = get("/objects/" + hash.hex());
    assertEquals(200, got.statusCode());
    assertEquals("hello world", got.body());
    assertEquals("11", got.headers().firstValue("Content-Length").orElseThrow());
    HttpResponse<String> head = send(HttpRequest.newBuilder(base.resolve("/objects/" + hash.hex()))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals("11", head.headers().firstValue("Content-Length").orElseThrow());
    assertEquals("hello world",
        Files.readString(root.resolve("objects").resolve(hash.hex())));
  }

  @Test
  void aCommitWhoseDigestDoesNotMatchStoresNothing() throws Exception {
    String id = create();
    send(HttpRequest.newBuilder(base.resolve("/temp/" + id))
        .method("PATCH", HttpRequest.BodyPublishers.ofString("actual bytes")));
    ContentHash claimed = ContentHash.sha256("claimed bytes".getBytes(UTF_8));
    HttpResponse<String> commit = send(HttpRequest.newBuilder(base.resolve("/temp/" + id))
        .header("Digest", "SHA-256=" + claimed.base64())
        .PUT(HttpRequest.BodyPublishers.noBody()));
    assertEquals(400, commit.statusCode());
    assertTrue(commit.body().contains("hashes to"), commit.body());
    assertEquals(0, filesIn("objects"));
    assertEquals(0, filesIn("temp"));
    assertEquals(404, get("/objects/" + claimed.hex()).statusCode());
  }

  @Test
  void patchAlsoArrivesAsAnOverriddenPost() throws Exception {
    String id = create();
    send(HttpRequest.newBuilder(base.resolve("/temp/" + id))
        .header("X-HTTP-Method-Override", "PATCH")
        .POST(HttpRequest.BodyPublishers.ofString("overridden")));
    HttpResponse<String> size = send(HttpRequest.newBuilder(base.resolve("/temp/" + id))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals("10", size.headers().firstValue("Content-Length").orElseThrow());
  }

  @Test
  void aDeletedTemporaryObjectIsGone() throws Exception {
    String id = create();
    assertEquals(200, send(HttpRequest.newBuilder(base.resolve("/temp/" + id)).DELETE())
        .statusCode());
    assertEquals(404, send(HttpRequest.newBuilder(base.resolve("/temp/" + id)).DELETE())
        .statusCode());
    assertEquals(0, filesIn("temp"));
  }

  @Test
  void corruptContentIsNeverServedAndIsMovedAside() throws Exception {
    ContentHash hash = store("x".repeat(200_000));
    Path file = root.resolve("objects").resolve(hash.hex());
    byte[] bytes = Files.readAllBytes(file);
    bytes[150_000] ^= 1;
    Files.write(file, bytes);
    HttpResponse<byte[]> got;
    try {
      got = http.send(HttpRequest.newBuilder(base.resolve("/objects/" + hash.hex())).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertTrue(got.statusCode() != 200 || got.body().length < bytes.length,
          "corrupt bytes served whole");
    } catch (java.io.IOException cut) {
      // The transfer was cut short: the reader cannot take it for the object.
    }
    assertEquals(404, get("/objects/" + hash.hex()).statusCode());
    assertEquals(1, filesIn("corrupt"));
    assertEquals(new LocateReply(server.address(), false, List.of(), false,
        Optional.of(server.id())), locate(hash.hex()));
  }

  @Test
  void malformedHashesAndIdsAreRefusedWithAReason() throws Exception {
    HttpResponse<String> bad = get("/objects/not-a-hash");
    assertEquals(400, bad.statusCode());
    assertEquals("not a SHA-256 in hex: not-a-hash\n", bad.body());
    HttpResponse<String> missing = get("/objects/" + "0".repeat(64));
    assertEquals(404, missing.statusCode());
    HttpResponse<String> badId = send(HttpRequest.newBuilder(base.resolve("/temp/../x"))
        .DELETE());
    assertEquals(400, badId.statusCode());
    HttpResponse<String> put = put("/objects/" + "0".repeat(64), "x");
    assertEquals(405, put.statusCode());
    assertEquals("DELETE, GET, HEAD", put.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void queryParametersAreRefusedSinceNoEndpointTakesAny() throws Exception {
    String hex = ContentHash.sha256("x".getBytes(UTF_8)).hex();
    HttpResponse<String> get = get("/objects/" + hex + "?offset=10");
    assertEquals(400, get.statusCode());
    assertEquals("unknown query parameter offset: GET /objects/{hash} takes none\n", get.body());
    HttpResponse<String> created = send(HttpRequest.newBuilder(base.resolve("/temp/?size=10"))
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(400, created.statusCode());
    assertEquals("unknown query parameter size: POST /temp/ takes none\n", created.body());
    assertEquals(0, filesIn("temp"), "no temporary object was created");
  }

  @Test
  void pastItsCapOfUploadsInProgressAPostTempIsRefused503() throws Exception {
    Path capped = root.resolve("capped");
    try (DataServer small = DataServer.start(TestConfig.at(capped).maxTempObjects(2).build(),
        bus)) {
      HttpRequest.Builder create = HttpRequest.newBuilder(small.address().baseUri()
          .resolve("/temp/")).POST(HttpRequest.BodyPublishers.noBody());
      assertEquals(200, send(create).statusCode());
      assertEquals(200, send(create).statusCode());
      HttpResponse<String> refused = send(create);
      assertEquals(503, refused.statusCode());
      assertEquals("too many uploads in progress on this data server (2)\n", refused.body());
      assertEquals(2, filesIn("capped/temp"));
    }
  }

  @Test
  void anAppendCutShortCommitsNothingAndItsTemporaryObjectExpires() throws Exception {
    try (DataServer quick = DataServer.start(TestConfig.at(root.resolve("quick"))
        .tempExpiry(Duration.ofMillis(300)).maxTempObjects(10).build(), bus)) {
      URI quickBase = quick.address().baseUri();
      String id = http.send(HttpRequest.newBuilder(quickBase.resolve("/temp/"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      try (Socket socket = new Socket("127.0.0.1", quick.address().port())) {
        OutputStream out = socket.getOutputStream();
        out.write(("PATCH /temp/" + id + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100000"
            + "\r\n\r\n").getBytes(ISO_8859_1));
        out.write(new byte[40_000]);
        out.flush();
      }
      Path temp = root.resolve("quick").resolve("temp");
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (Files.list(temp).findAny().isPresent()) {
        assertTrue(System.nanoTime() < deadline, "temporary object never expired");
        Thread.sleep(20);
      }
      assertEquals(404, http.send(HttpRequest.newBuilder(quickBase.resolve("/temp/" + id))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(0, Files.list(root.resolve("quick").resolve("objects")).count());
    }
  }

  @Test
  void announcesItsAddressIdAndRoomAtStartAndEveryInterval() throws Exception {
    for (int i = 0; i < 3; i++) {
      Message beat = heartbeats.poll(5, TimeUnit.SECONDS);
      Heartbeat heard = Heartbeat.parse(beat == null ? "\"\"" : beat.body());
      assertEquals(new Heartbeat(server.address(), server.id(), heard.free().orElseThrow()),
          heard);
      long usable = Files.getFileStore(root).getUsableSpace();
      // What the disk has now, less the reserve, give or take what other processes wrote since.
      assertTrue(Math.abs(usable - DataServerConfig.DEFAULT_MIN_FREE_SPACE
          - heard.free().getAsLong()) < (64L << 20), heard + " against " + usable);
    }
  }

  @Test
  void answersLocateRequestsForTheHashesItHolds() throws Exception {
    ContentHash here = store("x");
    Optional<ServerId> id = Optional.of(server.id());
    assertEquals(new LocateReply(server.address(), true, List.of(), true, id),
        locate(here.hex()));
    assertEquals(new LocateReply(server.address(), false, List.of(), false, id),
        locate("0".repeat(64)));
    assertEquals(new LocateReply(server.address(), false, List.of(), false, id),
        locate("not a hash"));
  }

  private String create() throws Exception {
    HttpResponse<String> created = send(HttpRequest.newBuilder(base.resolve("/temp/"))
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(200, created.statusCode(), created.body());
    return created.body();
  }

  /** Stores content the way an api server does: create, append, commit. */
  private ContentHash store(String content) throws Exception {
    String id = create();
    assertEquals(200, send(HttpRequest.newBuilder(base.resolve("/temp/" + id))
        .method("PATCH", HttpRequest.BodyPublishers.ofString(content))).statusCode());
    ContentHash hash = ContentHash.sha256(content.getBytes(UTF_8));
    HttpResponse<String> commit = send(HttpRequest.newBuilder(base.resolve("/temp/" + id))
        .header("Digest", "SHA-256=" + hash.base64())
        .PUT(HttpRequest.BodyPublishers.noBody()));
    assertEquals(200, commit.statusCode(), commit.body());
    return hash;
  }

  private LocateReply locate(String key) throws Exception {
    BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    try (Subscription request = bus.request(MessageBus.DATA_SERVERS, Json.quote(key),
        replies::add)) {
      Message reply = replies.poll(5, TimeUnit.SECONDS);
      return LocateReply.parse(reply.body());
    }
  }

  private long filesIn(String dir) throws Exception {
    try (Stream<Path> files = Files.list(root.resolve(dir))) {
      return files.count();
    }
  }

  private HttpResponse<String> put(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path))
        .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
