package dev.ostore.server.data;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.Json;
import dev.ostore.ShardId;
import dev.ostore.TestData;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import dev.ostore.locate.LocateReply;
import dev.ostore.storage.ShardLayout;
import dev.ostore.storage.ShardRecords;
import dev.ostore.stream.BlockFrames;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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

/** The shard endpoints of a real data server on a loopback port. */
@Timeout(30)
class ShardEndpointsTest {
  static final int MAX_UPLOADS = 2;
  static final ContentHash HASH = ContentHash.sha256("object".getBytes(UTF_8));
  /** A 1,000-byte object cut 4+2 in chunks of 100: shards of 3 blocks, 250 bytes. */
  static final String LAYOUT = "4+2/100";
  static final long OBJECT_SIZE = 1000;

  @TempDir
  Path root;
  MessageBus bus;
  DataServer server;
  URI base;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    bus = MessageBus.inMemory();
    server = DataServer.start(TestConfig.at(root).maxTempObjects(MAX_UPLOADS).build(), bus);
    base = server.address().baseUri();
  }

  @AfterEach
  void stop() {
    server.close();
    bus.close();
  }

  @Test
  void aShardIsCreatedOnceAndReadBackWithItsLayout() throws Exception {
    ShardId id = new ShardId(HASH, 2);
    byte[] bytes = TestData.randomBytes(250, 1);
    HttpResponse<String> created = post(2, LAYOUT, OBJECT_SIZE, bytes);
    assertEquals(201, created.statusCode());
    assertEquals(id + "\n", created.body());
    HttpResponse<String> again = post(2, LAYOUT, OBJECT_SIZE, TestData.randomBytes(250, 2));
    assertEquals(200, again.statusCode(), "stored already: kept as it was");
    assertEquals(id + "\n", again.body());
    HttpResponse<byte[]> got = getBytes("/shards/" + id);
    assertEquals(200, got.statusCode());
    assertArrayEquals(bytes, got.body());
    assertEquals(LAYOUT, got.headers().firstValue("Shard-Layout").orElseThrow());
    assertEquals("1000", got.headers().firstValue("Object-Size").orElseThrow());
    HttpResponse<String> head = send(HttpRequest.newBuilder(base.resolve("/shards/" + id))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals("250", head.headers().firstValue("Content-Length").orElseThrow());
    assertEquals(LAYOUT, head.headers().firstValue("Shard-Layout").orElseThrow());
  }

  @Test
  void blockRangesAreInclusiveAndMayRunToTheEnd() throws Exception {
    ShardId id = new ShardId(HASH, 0);
    byte[] bytes = TestData.randomBytes(250, 3);
    post(0, LAYOUT, OBJECT_SIZE, bytes);
    assertArrayEquals(Arrays.copyOfRange(bytes, 100, 200),
        getBytes("/shards/" + id + "?blocks=1-1").body());
    assertArrayEquals(Arrays.copyOfRange(bytes, 100, 250),
        getBytes("/shards/" + id + "?blocks=1-").body());
    assertArrayEquals(Arrays.copyOfRange(bytes, 0, 200),
        getBytes("/shards/" + id + "?blocks=0-1").body());
    HttpResponse<String> head = send(HttpRequest.newBuilder(
        base.resolve("/shards/" + id + "?blocks=2-2"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals("50", head.headers().firstValue("Content-Length").orElseThrow());
    for (String bad : List.of("3-3", "2-1", "1", "-1", "a-b")) {
      HttpResponse<String> refused = get("/shards/" + id + "?blocks=" + bad);
      assertEquals(400, refused.statusCode(), bad);
      assertEquals(1, refused.body().lines().count());
    }
  }

  @Test
  void withChecksumsEachBlockComesWithItsCrcOverItsBytesAndNumber() throws Exception {
    ShardId id = new ShardId(HASH, 1);
    byte[] bytes = TestData.randomBytes(250, 4);
    post(1, LAYOUT, OBJECT_SIZE, bytes);
    HttpResponse<byte[]> got = getBytes("/shards/" + id + "?blocks=1-&checksums=crc32c");
    assertEquals(200, got.statusCode());
    assertEquals(100 + 4 + 50 + 4, got.body().length);
    ByteBuffer body = ByteBuffer.wrap(got.body());
    assertArrayEquals(Arrays.copyOfRange(bytes, 100, 200), Arrays.copyOfRange(got.body(), 0, 100));
    assertEquals(ShardRecords.crc(bytes, 100, 100, 1), body.getInt(100));
    assertArrayEquals(Arrays.copyOfRange(bytes, 200, 250),
        Arrays.copyOfRange(got.body(), 104, 154));
    assertEquals(ShardRecords.crc(bytes, 200, 50, 2), body.getInt(154));
    HttpResponse<String> head = send(HttpRequest.newBuilder(
        base.resolve("/shards/" + id + "?checksums=crc32c"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals("262", head.headers().firstValue("Content-Length").orElseThrow());
    HttpResponse<String> refused = get("/shards/" + id + "?checksums=md5");
    assertEquals(400, refused.statusCode());
    assertTrue(refused.body().contains("crc32c"), refused.body());
  }

  @Test
  void aBodyThatDoesNotHoldTogetherIsRefusedAndStoresNothing() throws Exception {
    ShardLayout layout = ShardLayout.parse(LAYOUT, OBJECT_SIZE);
    byte[] shard = TestData.randomBytes(250, 4);
    byte[] good = framed(layout, shard, HASH, OBJECT_SIZE);
    byte[] flipped = good.clone();
    flipped[4 + 100 + 4 + 4 + 20] ^= 1; // in block 1, after its frame's length
    // What the reason names, and a body that fails for it.
    Map<String, byte[]> bodies = Map.of(
        "CRC32C", flipped,
        "trailer", Arrays.copyOf(good, good.length - 1),
        // 100, 100 and 50 bytes named as a 1,200-byte object's blocks, which have 100 each
        "250", framed(layout, shard, HASH, 1200));
    for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
      HttpResponse<String> refused = post(LAYOUT, "1", body.getValue());
      assertEquals(400, refused.statusCode(), body.getKey());
      assertTrue(refused.body().contains(body.getKey()), refused.body());
      assertEquals(1, refused.body().lines().count(), refused.body());
      assertNothingStored(new ShardId(HASH, 1));
    }
  }

  @Test
  void aBodyCutShortStoresNothing() throws Exception {
    byte[] body = framed(ShardLayout.parse(LAYOUT, OBJECT_SIZE), TestData.randomBytes(250, 7), HASH,
        OBJECT_SIZE);
    try (Socket socket = new Socket("127.0.0.1", server.address().port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /shards/ HTTP/1.1\r\nHost: x\r\nShard-Layout: " + LAYOUT
          + "\r\nShard-Index: 1\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(ISO_8859_1));
      out.write(body, 0, 150);
      out.flush();
      socket.shutdownOutput();
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          ISO_8859_1)).readLine();
      assertTrue(status == null || status.contains(" 400 "), status);
    }
    assertNothingStored(new ShardId(HASH, 1));
  }

  @Test
  void badHeadersAndIdsAreRefusedWithAReason() throws Exception {
    byte[] body = framed(ShardLayout.parse(LAYOUT, OBJECT_SIZE), TestData.randomBytes(250, 8), HASH,
        OBJECT_SIZE);
    String tooLarge = "1+0/" + (ShardLayout.MAX_CHUNK_SIZE + 1);
    for (String[] headers : List.of(new String[] {"4+2", "0"}, new String[] {"0+2/100", "0"},
        new String[] {"4+2/0", "0"}, new String[] {tooLarge, "0"}, new String[] {LAYOUT, "6"},
        new String[] {LAYOUT, "-1"}, new String[] {LAYOUT, "x"}, new String[] {LAYOUT, ""},
        new String[] {LAYOUT, "01"})) {
      HttpResponse<String> refused = post(headers[0], headers[1], body);
      assertEquals(400, refused.statusCode(), String.join(" ", headers));
      assertEquals(1, refused.body().lines().count(), refused.body());
    }
    HttpResponse<String> noLayout = send(HttpRequest.newBuilder(base.resolve("/shards/"))
        .header("Shard-Index", "0").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertEquals(400, noLayout.statusCode());
    assertEquals("a shard upload needs a Shard-Layout header such as 4+2/65536\n",
        noLayout.body());
    HttpResponse<String> noIndex = send(HttpRequest.newBuilder(base.resolve("/shards/"))
        .header("Shard-Layout", LAYOUT).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertEquals(400, noIndex.statusCode());
    assertEquals("a shard upload needs a Shard-Index header\n", noIndex.body());
    assertEquals(400, get("/shards/abc.1").statusCode());
    assertEquals(0, filesUnder("temp") + filesUnder("shards"));
  }

  @Test
  void aShardPutUnderItsNameIsStoredOnceAndReadBack() throws Exception {
    ShardId id = new ShardId(HASH, 3);
    byte[] bytes = TestData.randomBytes(250, 10);
    HttpResponse<String> created = put(id, LAYOUT, HASH, bytes);
    assertEquals(201, created.statusCode(), created.body());
    assertEquals(id + "\n", created.body());
    HttpResponse<String> again = put(id, LAYOUT, HASH, TestData.randomBytes(250, 11));
    assertEquals(200, again.statusCode(), "stored already: kept as it was");
    HttpResponse<byte[]> got = getBytes("/shards/" + id);
    assertArrayEquals(bytes, got.body());
    assertEquals(LAYOUT, got.headers().firstValue("Shard-Layout").orElseThrow());
    assertEquals("1000", got.headers().firstValue("Object-Size").orElseThrow());
  }

  @Test
  void aShardPutWhoseBodyNamesOtherContentOrIndexIsRefusedAndStoresNothing() throws Exception {
    ContentHash other = ContentHash.sha256("other".getBytes(UTF_8));
    byte[] bytes = TestData.randomBytes(250, 12);
    HttpResponse<String> otherContent = put(new ShardId(HASH, 1), LAYOUT, other, bytes);
    assertEquals(400, otherContent.statusCode());
    assertTrue(otherContent.body().contains("names the content " + other), otherContent.body());
    assertNothingStored(new ShardId(HASH, 1));
    HttpResponse<String> outside = put(new ShardId(HASH, 6), LAYOUT, HASH, bytes);
    assertEquals(400, outside.statusCode());
    assertEquals(1, outside.body().lines().count(), outside.body());
    assertNothingStored(new ShardId(HASH, 6));
    byte[] body = framed(ShardLayout.parse(LAYOUT, OBJECT_SIZE), bytes, HASH, OBJECT_SIZE);
    body[4 + 10] ^= 1;
    HttpResponse<String> damaged = send(HttpRequest.newBuilder(
        base.resolve("/shards/" + new ShardId(HASH, 1))).header("Shard-Layout", LAYOUT)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertEquals(400, damaged.statusCode());
    assertTrue(damaged.body().contains("CRC32C"), damaged.body());
    assertNothingStored(new ShardId(HASH, 1));
  }

  @Test
  void pastItsCapOfUploadsAPostIsBusyWithRetryAfter() throws Exception {
    Socket[] held = new Socket[MAX_UPLOADS];
    try {
      for (int i = 0; i < MAX_UPLOADS; i++) {
        held[i] = startUpload(i);
      }
      HttpResponse<String> busy = post(5, LAYOUT, OBJECT_SIZE, TestData.randomBytes(250, 9));
      assertEquals(503, busy.statusCode());
      assertEquals("1", busy.headers().firstValue("Retry-After").orElseThrow());
      assertEquals("too many uploads in progress on this data server (2)\n", busy.body());
    } finally {
      for (Socket socket : held) {
        if (socket != null) {
          socket.close();
        }
      }
    }
  }

  @Test
  void aCorruptFirstBlockIsA404AndTheShardIsMovedAside() throws Exception {
    ShardId id = new ShardId(HASH, 0);
    byte[] bytes = TestData.randomBytes(2 * 65536, 7); // too big for a pack: a file of its own
    assertEquals(201, post(0, "1+0/65536", bytes.length, bytes).statusCode());
    flipByte(id, 68 + 10);
    HttpResponse<String> got = get("/shards/" + id);
    assertEquals(404, got.statusCode());
    assertTrue(got.body().contains("corrupt"), got.body());
    assertEquals(1, filesUnder("corrupt"));
    assertEquals(new LocateReply(server.address(), false, List.of(), false,
        Optional.of(server.id())), locate(HASH.hex()));
  }

  @Test
  void aCorruptBlockMidBodyCutsTheTransferShort() throws Exception {
    ShardId id = new ShardId(HASH, 0);
    String layout = "1+0/65536";
    byte[] bytes = TestData.randomBytes(8 * 65536, 8);
    assertEquals(201, post(0, layout, bytes.length, bytes).statusCode());
    flipByte(id, 68 + 7L * (65536 + 4) + 5); // in block 7, the last
    try {
      HttpResponse<byte[]> got = getBytes("/shards/" + id);
      assertFalse(got.statusCode() == 200 && got.body().length == bytes.length,
          "corrupt bytes served whole");
    } catch (IOException cut) {
      // The transfer was cut short: the reader cannot take it for the shard.
    }
    assertEquals(404, get("/shards/" + id).statusCode());
    assertEquals(1, filesUnder("corrupt"));
  }

  @Test
  void deleteAnswers204ThenNotFound() throws Exception {
    ShardId id = new ShardId(HASH, 4);
    post(4, LAYOUT, OBJECT_SIZE, TestData.randomBytes(250, 9));
    HttpRequest.Builder delete = HttpRequest.newBuilder(base.resolve("/shards/" + id)).DELETE();
    assertEquals(204, send(delete).statusCode());
    assertEquals(404, send(delete).statusCode());
    assertEquals(404, get("/shards/" + id).statusCode());
  }

  @Test
  void listsShardsInOrderAPageAtATime() throws Exception {
    ContentHash other = ContentHash.parse("00" + "1".repeat(62));
    // 4+8: index 10 exists, and sorts after 2 as a number does, not as text.
    post(10, "4+8/100", OBJECT_SIZE, TestData.randomBytes(250, 10));
    post(2, "4+8/100", OBJECT_SIZE, TestData.randomBytes(250, 11));
    post(0, "1+0/65536", other, 3, new byte[] {1, 2, 3});
    List<String> all = List.of(other.hex() + ".0 1+0/65536 3",
        HASH.hex() + ".2 4+8/100 1000", HASH.hex() + ".10 4+8/100 1000");
    HttpResponse<String> listing = get("/shards/");
    assertEquals(200, listing.statusCode());
    assertEquals(all, withoutWritten(listing.body()));
    assertEquals(all.subList(0, 2), withoutWritten(get("/shards/?limit=2").body()));
    assertEquals(all.subList(2, 3),
        withoutWritten(get("/shards/?limit=2&after=" + HASH.hex() + ".2").body()));
    assertEquals(400, get("/shards/?after=x").statusCode());
    assertEquals(400, get("/shards/?limit=0").statusCode());
  }

  @Test
  void eachListedShardSaysWhenItWasWrittenToTheSecondRoundedUp() throws Exception {
    long before = System.currentTimeMillis();
    post(1, LAYOUT, OBJECT_SIZE, TestData.randomBytes(250, 14));
    long after = System.currentTimeMillis();
    long written = writtenIn(get("/shards/").body().strip());
    assertEquals(0, written % 1000, "whole seconds");
    assertTrue(written >= before && written < after + 1000, written + " not near " + before);
  }

  @Test
  void aShardHeldIsNeitherServedNorListedUntilRestored() throws Exception {
    ShardId id = new ShardId(HASH, 4);
    byte[] bytes = TestData.randomBytes(250, 15);
    post(4, LAYOUT, OBJECT_SIZE, bytes);
    long written = writtenIn(get("/shards/").body().strip());
    HttpResponse<String> since = send(hold(id, written));
    assertEquals(412, since.statusCode());
    assertTrue(since.body().contains("written since"), since.body());
    assertEquals(200, get("/shards/" + id).statusCode());
    assertEquals(204, send(hold(id, written + 1)).statusCode());
    assertEquals(404, get("/shards/" + id).statusCode());
    assertEquals("", get("/shards/").body());
    assertEquals(new LocateReply(server.address(), false, List.of(), false,
        Optional.of(server.id())), locate(HASH.hex()));
    List<String> held = get("/holding/").body().lines().toList();
    assertEquals(1, held.size());
    assertTrue(held.get(0).matches(id + " [0-9]+000"), held.get(0));
    assertEquals(404, send(hold(id, written + 1)).statusCode(), "held already");
    HttpRequest.Builder restore = HttpRequest.newBuilder(base.resolve("/holding/" + id))
        .POST(HttpRequest.BodyPublishers.noBody());
    HttpResponse<String> restored = send(restore);
    assertEquals(200, restored.statusCode());
    assertEquals(id + "\n", restored.body());
    assertArrayEquals(bytes, getBytes("/shards/" + id).body());
    assertEquals("", get("/holding/").body());
    assertEquals(404, send(restore).statusCode());
  }

  @Test
  void theHoldingAreaListsInOrderAPageAtATimeAndRefusesOtherMethods() throws Exception {
    post(10, "4+8/100", OBJECT_SIZE, TestData.randomBytes(250, 16));
    post(2, "4+8/100", OBJECT_SIZE, TestData.randomBytes(250, 17));
    long later = System.currentTimeMillis() + 60_000;
    for (int index : new int[] {10, 2}) {
      assertEquals(204, send(hold(new ShardId(HASH, index), later)).statusCode());
    }
    List<String> all = withoutWritten(get("/holding/").body());
    assertEquals(List.of(HASH.hex() + ".2", HASH.hex() + ".10"), all);
    assertEquals(all.subList(0, 1), withoutWritten(get("/holding/?limit=1").body()));
    assertEquals(all.subList(1, 2),
        withoutWritten(get("/holding/?after=" + HASH.hex() + ".2").body()));
    assertEquals(400, get("/holding/?after=x").statusCode());
    assertEquals(400, get("/holding/?limit=0").statusCode());
    for (String bad : List.of("x", "-1", "1.5", "")) {
      assertEquals(400, send(HttpRequest.newBuilder(base.resolve("/shards/" + HASH.hex()
          + ".2?hold-written-before=" + bad)).DELETE()).statusCode(), bad);
    }
    HttpResponse<String> put = send(HttpRequest.newBuilder(base.resolve("/holding/"
        + HASH.hex() + ".2")).PUT(HttpRequest.BodyPublishers.noBody()));
    assertEquals(405, put.statusCode());
    assertEquals("POST", put.headers().firstValue("Allow").orElseThrow());
    HttpResponse<String> delete = send(HttpRequest.newBuilder(base.resolve("/holding/"))
        .DELETE());
    assertEquals(405, delete.statusCode());
    assertEquals("GET, POST", delete.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void aBatchHoldAnswersALineForEachIdInTheOrderGiven() throws Exception {
    ShardId first = new ShardId(HASH, 0);
    ShardId absent = new ShardId(HASH, 1);
    ShardId second = new ShardId(HASH, 2);
    post(0, LAYOUT, OBJECT_SIZE, TestData.randomBytes(250, 18));
    post(2, LAYOUT, OBJECT_SIZE, TestData.randomBytes(250, 19));
    long later = System.currentTimeMillis() + 60_000;
    HttpResponse<String> held = send(holdAll(later, second + "\n" + absent + "\r\n" + first));
    assertEquals(200, held.statusCode());
    assertEquals("text/plain; charset=utf-8",
        held.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(second + " held\n" + absent + " absent\n" + first + " held\n", held.body());
    assertEquals("", get("/shards/").body());
    assertEquals(List.of(first.toString(), second.toString()),
        withoutWritten(get("/holding/").body()));
    HttpResponse<String> none = send(holdAll(later, ""));
    assertEquals(200, none.statusCode());
    assertEquals("", none.body());
  }

  @Test
  void aBatchHoldRefusesABadIdABadTimeOrTooManyIdsAndHoldsNothing() throws Exception {
    ShardId id = new ShardId(HASH, 0);
    post(0, LAYOUT, OBJECT_SIZE, TestData.randomBytes(250, 20));
    long later = System.currentTimeMillis() + 60_000;
    assertRefused(holdAll(later, id + "\nx\n"),
        "line 2: not a shard id (<64 lowercase hex>.<index>): x");
    assertRefused(HttpRequest.newBuilder(base.resolve("/holding/"))
        .POST(HttpRequest.BodyPublishers.ofString(id + "\n")),
        "a hold needs ?hold-written-before=<epoch millis>");
    assertRefused(HttpRequest.newBuilder(base.resolve("/holding/?hold-written-before=soon"))
        .POST(HttpRequest.BodyPublishers.ofString(id + "\n")),
        "hold-written-before is not a time in epoch milliseconds: soon");
    assertRefused(holdAll(later, (id + "\n").repeat(HoldingEndpoints.MAX_HOLD + 1)),
        "more than 10000 shard ids: a request takes at most 10000, one a line");
    assertEquals("", get("/holding/").body());
    assertEquals(200, get("/shards/" + id).statusCode());
  }

  /** A 400 whose message is the one line {@code message}. */
  private void assertRefused(HttpRequest.Builder request, String message) throws Exception {
    HttpResponse<String> refused = send(request);
    assertEquals(400, refused.statusCode(), message);
    assertEquals(message + "\n", refused.body());
  }

  @Test
  void locateRepliesNameTheShardsHeld() throws Exception {
    post(3, LAYOUT, OBJECT_SIZE, TestData.randomBytes(250, 12));
    post(0, LAYOUT, OBJECT_SIZE, TestData.randomBytes(250, 13));
    assertEquals(new LocateReply(server.address(), true, List.of(0, 3), false,
        Optional.of(server.id())), locate(HASH.hex()));
  }

  private HttpRequest.Builder hold(ShardId id, long writtenBefore) {
    return HttpRequest.newBuilder(base.resolve("/shards/" + id + "?hold-written-before="
        + writtenBefore)).DELETE();
  }

  /** A batch hold of the shards {@code ids} names, one a line. */
  private HttpRequest.Builder holdAll(long writtenBefore, String ids) {
    return HttpRequest.newBuilder(base.resolve("/holding/?hold-written-before=" + writtenBefore))
        .header("Content-Type", "text/plain; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(ids));
  }

  /** The lines of a listing, each without its last field (a time). */
  private static List<String> withoutWritten(String listing) {
    return listing.lines().map(line -> line.substring(0, line.lastIndexOf(' '))).toList();
  }

  /** The written time a shard listing's line ends with. */
  private static long writtenIn(String line) {
    return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
  }

  /** Starts a POST that waits for 100 Continue: once that comes, the upload holds its slot. */
  private Socket startUpload(int index) throws IOException {
    Socket socket = new Socket("127.0.0.1", server.address().port());
    socket.getOutputStream().write(("POST /shards/ HTTP/1.1\r\nHost: x\r\n"
        + "Shard-Layout: " + LAYOUT + "\r\nShard-Index: " + index + "\r\nContent-Length: 1000\r\n"
        + "Expect: 100-continue\r\n\r\n").getBytes(ISO_8859_1));
    socket.getOutputStream().flush();
    String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
        ISO_8859_1)).readLine();
    assertTrue(status.contains(" 100 "), status);
    return socket;
  }

  private void flipByte(ShardId id, long position) throws IOException {
    Path file = root.resolve("shards").resolve(id.hash().hex().substring(0, 2))
        .resolve(id.toString());
    byte[] stored = Files.readAllBytes(file);
    stored[(int) position] ^= 1;
    Files.write(file, stored);
  }

  private LocateReply locate(String key) throws Exception {
    BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    try (Subscription request = bus.request(MessageBus.DATA_SERVERS, Json.quote(key),
        replies::add)) {
      return LocateReply.parse(replies.poll(5, TimeUnit.SECONDS).body());
    }
  }

  private long filesUnder(String directory) throws IOException {
    return TestData.filesUnder(root.resolve(directory));
  }

  private void assertNothingStored(ShardId id) throws Exception {
    assertEquals(404, get("/shards/" + id).statusCode());
    assertEquals(0, filesUnder("temp") + filesUnder("shards"));
  }

  /** Uploads {@code shard}, the bytes of shard {@code index} of {@link #HASH}, framed. */
  private HttpResponse<String> post(int index, String layout, long size, byte[] shard)
      throws Exception {
    return post(index, layout, HASH, size, shard);
  }

  private HttpResponse<String> post(int index, String layout, ContentHash hash, long size,
      byte[] shard) throws Exception {
    return post(layout, Integer.toString(index),
        framed(ShardLayout.parse(layout, size), shard, hash, size));
  }

  /** Puts {@code shard}, framed with a trailer naming {@code named}, under {@code id}. */
  private HttpResponse<String> put(ShardId id, String layout, ContentHash named, byte[] shard)
      throws Exception {
    byte[] body = framed(ShardLayout.parse(layout, OBJECT_SIZE), shard, named, OBJECT_SIZE);
    return send(HttpRequest.newBuilder(base.resolve("/shards/" + id))
        .header("Shard-Layout", layout).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private HttpResponse<String> post(String layout, String index, byte[] body) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve("/shards/")).header("Shard-Layout", layout)
        .header("Shard-Index", index).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /**
   * The framed body of a shard whose bytes are {@code shard}, cut into the blocks {@code
   * layout} makes, with a trailer naming {@code hash} and {@code size}.
   */
  private static byte[] framed(ShardLayout layout, byte[] shard, ContentHash hash, long size)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    for (long b = 0; b < layout.blockCount(); b++) {
      BlockFrames.writeBlock(out, shard, at, layout.blockLength(b));
      at += layout.blockLength(b);
    }
    assertEquals(shard.length, at, "the test's bytes are one shard of " + layout);
    BlockFrames.writeEnd(out, hash, size);
    return out.toByteArray();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  private HttpResponse<byte[]> getBytes(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
