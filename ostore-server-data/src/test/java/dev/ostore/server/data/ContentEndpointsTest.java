package dev.ostore.server.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.Json;
import dev.ostore.TestData;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.locate.LocateReply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoints of content stored whole that a collection uses, {@code /objects/} and {@code
 * /held-objects/}, on a real data server on a loopback port, by a fake clock.
 */
@Timeout(30)
class ContentEndpointsTest {
  /** Short, so that the server's sweep, a second apart, deletes what was held that long. */
  static final Duration HOLD_FOR = Duration.ofSeconds(2);
  static final long START = FakeClock.START.toEpochMilli();

  @TempDir
  Path root;
  MessageBus bus;
  DataServer server;
  URI base;
  final FakeClock clock = new FakeClock();
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    bus = MessageBus.inMemory();
    server = DataServer.start(TestConfig.at(root).maxTempObjects(2).holdFor(HOLD_FOR).build(),
        bus, clock);
    base = server.address().baseUri();
  }

  @AfterEach
  void stop() {
    server.close();
    bus.close();
  }

  @Test
  void listsContentInHashOrderAPageAtATimeWithSizeAndWrittenTime() throws Exception {
    List<String> all = new ArrayList<>();
    for (String content : List.of("a", "bb", "ccc")) {
      all.add(store(content).hex() + " " + content.length() + " " + clock.millis());
      clock.advance(Duration.ofMinutes(1));
    }
    all.sort(null);
    HttpResponse<String> listing = get("/objects/");
    assertEquals(200, listing.statusCode());
    assertEquals("text/plain; charset=utf-8",
        listing.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(all, listing.body().lines().toList());
    assertEquals(all.subList(0, 2), get("/objects/?limit=2").body().lines().toList());
    String second = all.get(1).substring(0, 64);
    assertEquals(all.subList(2, 3),
        get("/objects/?limit=2&after=" + second).body().lines().toList());
    for (String bad : List.of("after=x", "limit=0", "limit=10001", "limit=x")) {
      assertEquals(400, get("/objects/?" + bad).statusCode(), bad);
    }
  }

  @Test
  void contentWrittenSinceIsKeptAndHeldContentIsNeitherServedListedNorLocated()
      throws Exception {
    ContentHash hash = store("kept");
    clock.advance(Duration.ofMinutes(1));
    HttpResponse<String> since = send(hold(hash, Long.toString(START)));
    assertEquals(412, since.statusCode());
    assertEquals("content " + hash + " was written since " + START + ": kept in place\n",
        since.body());
    assertEquals("kept", get("/objects/" + hash).body());
    assertEquals(204, send(hold(hash, Long.toString(START + 1))).statusCode());
    assertEquals(404, get("/objects/" + hash).statusCode());
    assertEquals(404, send(HttpRequest.newBuilder(base.resolve("/objects/" + hash))
        .method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode());
    assertEquals("", get("/objects/").body());
    assertFalse(locate(hash).found());
    assertEquals(hash + " " + clock.millis() + "\n", get("/held-objects/").body());
    assertEquals(404, send(hold(hash, Long.toString(START + 1))).statusCode(), "held already");
  }

  @Test
  void aRestorePutsHeldContentBackServedListedAndLocated() throws Exception {
    ContentHash hash = store("restored");
    clock.advance(Duration.ofMinutes(1));
    send(hold(hash, Long.toString(clock.millis())));
    clock.advance(Duration.ofMinutes(1));
    HttpRequest.Builder restore = HttpRequest.newBuilder(base.resolve("/held-objects/" + hash))
        .POST(HttpRequest.BodyPublishers.noBody());
    HttpResponse<String> restored = send(restore);
    assertEquals(200, restored.statusCode());
    assertEquals(hash + "\n", restored.body());
    assertEquals("restored", get("/objects/" + hash).body());
    assertEquals(hash + " 8 " + clock.millis() + "\n", get("/objects/").body());
    assertTrue(locate(hash).whole());
    assertEquals("", get("/held-objects/").body());
    HttpResponse<String> again = send(restore);
    assertEquals(404, again.statusCode());
    assertEquals("content " + hash + " is not held\n", again.body());
  }

  @Test
  void heldContentIsListedInHashOrderAPageAtATime() throws Exception {
    List<String> held = new ArrayList<>();
    for (String content : List.of("x", "y", "z")) {
      ContentHash hash = store(content);
      assertEquals(204, send(hold(hash, Long.toString(clock.millis() + 1))).statusCode());
      held.add(hash.hex());
    }
    held.sort(null);
    assertEquals(held, hashesIn(get("/held-objects/").body()));
    assertEquals(held.subList(0, 1), hashesIn(get("/held-objects/?limit=1").body()));
    assertEquals(held.subList(1, 3),
        hashesIn(get("/held-objects/?after=" + held.get(0)).body()));
    assertEquals(400, get("/held-objects/?after=x").statusCode());
    assertEquals(400, get("/held-objects/?limit=0").statusCode());
  }

  @Test
  void badHoldsAndRestoresAreRefusedWithAReasonAndMoveNothing() throws Exception {
    ContentHash hash = store("stays");
    assertRefused(HttpRequest.newBuilder(base.resolve("/objects/" + hash)).DELETE(),
        "content stored whole is only held, never deleted: a DELETE needs"
            + " ?hold-written-before=<epoch millis>");
    for (String bad : List.of("x", "-1", "1.5", "")) {
      assertRefused(hold(hash, bad),
          "hold-written-before is not a time in epoch milliseconds: " + bad);
    }
    assertRefused(HttpRequest.newBuilder(base.resolve(
        "/objects/not-a-hash?hold-written-before=" + START)).DELETE(),
        "not a SHA-256 in hex: not-a-hash");
    assertRefused(HttpRequest.newBuilder(base.resolve("/held-objects/not-a-hash"))
        .POST(HttpRequest.BodyPublishers.noBody()), "not a SHA-256 in hex: not-a-hash");
    assertEquals(404, send(hold(ContentHash.sha256(new byte[0]), "1")).statusCode());
    assertEquals("stays", get("/objects/" + hash).body());
    assertEquals("", get("/held-objects/").body());
    HttpResponse<String> put = send(HttpRequest.newBuilder(base.resolve("/held-objects/" + hash))
        .PUT(HttpRequest.BodyPublishers.noBody()));
    assertEquals(405, put.statusCode());
    assertEquals("POST", put.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void theServersSweepDeletesContentHeldLongerThanTheHoldPeriod() throws Exception {
    ContentHash hash = store("swept");
    send(hold(hash, Long.toString(clock.millis() + 1)));
    clock.advance(HOLD_FOR);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!get("/held-objects/").body().isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the held content stayed");
      Thread.sleep(50);
    }
    assertEquals(404, send(HttpRequest.newBuilder(base.resolve("/held-objects/" + hash))
        .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
    assertEquals(0, TestData.filesUnder(root.resolve("holding-objects")));
  }

  /** A 400 whose message is the one line {@code message}. */
  private void assertRefused(HttpRequest.Builder request, String message) throws Exception {
    HttpResponse<String> refused = send(request);
    assertEquals(400, refused.statusCode(), message);
    assertEquals(message + "\n", refused.body());
  }

  private HttpRequest.Builder hold(ContentHash hash, String writtenBefore) {
    return HttpRequest.newBuilder(base.resolve("/objects/" + hash + "?hold-written-before="
        + writtenBefore)).DELETE();
  }

  /** The hashes a listing's lines start with. */
  private static List<String> hashesIn(String listing) {
    return listing.lines().map(line -> line.substring(0, line.indexOf(' '))).toList();
  }

  /** Stores content the way an api server did before erasure coding: create, append, commit. */
  private ContentHash store(String content) throws Exception {
    String id = send(HttpRequest.newBuilder(base.resolve("/temp/"))
        .POST(HttpRequest.BodyPublishers.noBody())).body();
    send(HttpRequest.newBuilder(base.resolve("/temp/" + id))
        .method("PATCH", HttpRequest.BodyPublishers.ofString(content)));
    ContentHash hash = ContentHash.sha256(content.getBytes(UTF_8));
    HttpResponse<String> commit = send(HttpRequest.newBuilder(base.resolve("/temp/" + id))
        .header("Digest", "SHA-256=" + hash.base64()).PUT(HttpRequest.BodyPublishers.noBody()));
    assertEquals(200, commit.statusCode(), commit.body());
    return hash;
  }

  private LocateReply locate(ContentHash hash) throws Exception {
    BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    try (Subscription request = bus.request(MessageBus.DATA_SERVERS, Json.quote(hash.hex()),
        replies::add)) {
      return LocateReply.parse(replies.poll(5, TimeUnit.SECONDS).body());
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
