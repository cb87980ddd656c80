package dev.ostore.server.data;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.Json;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import dev.ostore.locate.LocateReply;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
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
    server = DataServer.start(new DataServerConfig(new ServerAddress("127.0.0.1", 0), root,
        Optional.empty(), Duration.ofSeconds(5), Duration.ofHours(1),
        DataServerConfig.DEFAULT_STOP_TIMEOUT, MAX_UPLOADS), bus);
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
    byte[] bytes = randomBytes(250, 1);
    assertEquals(201, put(id, LAYOUT, OBJECT_SIZE, bytes).statusCode());
    assertEquals(200, put(id, LAYOUT, OBJECT_SIZE, randomBytes(250, 2)).statusCode(),
        "stored already: kept as it was");
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
    byte[] bytes = randomBytes(250, 3);
    put(id, LAYOUT, OBJECT_SIZE, bytes);
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
  void aBodyOfTheWrongLengthStoresNothing() throws Exception {
    ShardId id = new ShardId(HASH, 1);
    HttpResponse<String> refused = put(id, LAYOUT, OBJECT_SIZE, randomBytes(251, 4));
    assertEquals(400, refused.statusCode());
    assertTrue(refused.body().contains("250"), refused.body());
    assertEquals(404, get("/shards/" + id).statusCode());
    assertEquals(0, filesUnder("temp") + filesUnder("shards"));
  }

  @Test
  void aBodyCutShortStoresNothing() throws Exception {
    ShardId id = new ShardId(HASH, 1);
    try (Socket socket = new Socket("127.0.0.1", server.address().port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("PUT /shards/" + id + " HTTP/1.1\r\nHost: x\r\nShard-Layout: " + LAYOUT
          + "\r\nObject-Size: 1000\r\nContent-Length: 250\r\n\r\n").getBytes(ISO_8859_1));
      out.write(new byte[100]);
      out.flush();
      socket.shutdownOutput();
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          ISO_8859_1)).readLine();
      assertTrue(status == null || status.contains(" 400 "), status);
    }
    assertEquals(404, get("/shards/" + id).statusCode());
    assertEquals(0, filesUnder("temp") + filesUnder("shards"));
  }

  @Test
  void badIdsAndLayoutsAreRefusedWithAReason() throws Exception {
    byte[] bytes = randomBytes(250, 5);
    assertEquals(400, put("/shards/" + HASH.hex() + ".255", LAYOUT, "1000", bytes).statusCode());
    assertEquals(400, put("/shards/" + HASH.hex(), LAYOUT, "1000", bytes).statusCode());
    ShardId id = new ShardId(HASH, 0);
    for (String[] headers : List.of(new String[] {"4+2", "1000"},
        new String[] {"0+2/100", "1000"}, new String[] {LAYOUT, "-1"},
        new String[] {LAYOUT, "lots"})) {
      HttpResponse<String> refused = put("/shards/" + id, headers[0], headers[1], bytes);
      assertEquals(400, refused.statusCode(), String.join(" ", headers));
      assertEquals(1, refused.body().lines().count(), refused.body());
    }
    HttpResponse<String> noLayout = send(HttpRequest.newBuilder(base.resolve("/shards/" + id))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    assertEquals("a shard upload needs a Shard-Layout header such as 4+2/65536\n",
        noLayout.body());
    assertEquals(400, get("/shards/abc.1").statusCode());
  }

  @Test
  void pastItsCapOfUploadsAPutIsBusyWithRetryAfter() throws Exception {
    Socket[] held = new Socket[MAX_UPLOADS];
    try {
      for (int i = 0; i < MAX_UPLOADS; i++) {
        held[i] = startUpload(new ShardId(HASH, i));
      }
      HttpResponse<String> busy = put(new ShardId(HASH, 5), LAYOUT, OBJECT_SIZE,
          randomBytes(250, 6));
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
    ShardId id = new ShardId(HASH, 3);
    put(id, LAYOUT, OBJECT_SIZE, randomBytes(250, 7));
    flipByte(id, 68 + 10);
    HttpResponse<String> got = get("/shards/" + id);
    assertEquals(404, got.statusCode());
    assertTrue(got.body().contains("corrupt"), got.body());
    assertEquals(1, filesUnder("corrupt"));
    assertEquals(new LocateReply(server.address(), false), locate(HASH.hex()));
  }

  @Test
  void aCorruptBlockMidBodyCutsTheTransferShort() throws Exception {
    ShardId id = new ShardId(HASH, 0);
    String layout = "1+0/65536";
    byte[] bytes = randomBytes(8 * 65536, 8);
    assertEquals(201, put(id, layout, bytes.length, bytes).statusCode());
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
    put(id, LAYOUT, OBJECT_SIZE, randomBytes(250, 9));
    HttpRequest.Builder delete = HttpRequest.newBuilder(base.resolve("/shards/" + id)).DELETE();
    assertEquals(204, send(delete).statusCode());
    assertEquals(404, send(delete).statusCode());
    assertEquals(404, get("/shards/" + id).statusCode());
  }

  @Test
  void listsShardsInOrderAPageAtATime() throws Exception {
    ContentHash other = ContentHash.parse("00" + "1".repeat(62));
    put(new ShardId(HASH, 10), LAYOUT, OBJECT_SIZE, randomBytes(250, 10));
    put(new ShardId(HASH, 2), LAYOUT, OBJECT_SIZE, randomBytes(250, 11));
    put(new ShardId(other, 0), "1+0/65536", 3, new byte[] {1, 2, 3});
    List<String> all = List.of(other.hex() + ".0 1+0/65536 3",
        HASH.hex() + ".2 4+2/100 1000", HASH.hex() + ".10 4+2/100 1000");
    HttpResponse<String> listing = get("/shards/");
    assertEquals(200, listing.statusCode());
    assertEquals(all, listing.body().lines().toList());
    assertEquals(all.subList(0, 2), get("/shards/?limit=2").body().lines().toList());
    assertEquals(all.subList(2, 3), get("/shards/?limit=2&after=" + HASH.hex() + ".2").body()
        .lines().toList());
    assertEquals(400, get("/shards/?after=x").statusCode());
    assertEquals(400, get("/shards/?limit=0").statusCode());
  }

  @Test
  void locateRepliesNameTheShardsHeld() throws Exception {
    put(new ShardId(HASH, 3), LAYOUT, OBJECT_SIZE, randomBytes(250, 12));
    put(new ShardId(HASH, 0), LAYOUT, OBJECT_SIZE, randomBytes(250, 13));
    assertEquals(new LocateReply(server.address(), true, List.of(0, 3)), locate(HASH.hex()));
  }

  /** Starts a PUT that waits for 100 Continue: once that comes, the upload holds its slot. */
  private Socket startUpload(ShardId id) throws IOException {
    Socket socket = new Socket("127.0.0.1", server.address().port());
    socket.getOutputStream().write(("PUT /shards/" + id + " HTTP/1.1\r\nHost: x\r\n"
        + "Shard-Layout: " + LAYOUT + "\r\nObject-Size: 1000\r\nContent-Length: 250\r\n"
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
    try (Stream<Path> files = Files.walk(root.resolve(directory))) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private HttpResponse<String> put(ShardId id, String layout, long size, byte[] body)
      throws Exception {
    return put("/shards/" + id, layout, Long.toString(size), body);
  }

  private HttpResponse<String> put(String path, String layout, String size, byte[] body)
      throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Shard-Layout", layout)
        .header("Object-Size", size).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
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

  private static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
