package dev.ostore.server.data;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.Json;
import dev.ostore.ShardId;
import dev.ostore.TestData;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.locate.LocateReply;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The resumable upload endpoints of a real data server on a loopback port. */
@Timeout(30)
class UploadEndpointsTest {
  static final ContentHash HASH = ContentHash.sha256("object".getBytes(UTF_8));
  /** A 1,000-byte object cut 4+2 in chunks of 100: shards of 3 blocks (100, 100, 50 bytes). */
  static final String LAYOUT = "4+2/100";
  static final String UPLOAD = "00112233445566778899aabbccddeeff";
  static final String PATH = "/uploads/" + UPLOAD + ".2";
  static final byte[] SHARD = TestData.randomBytes(250, 1);
  static final int[] LENGTHS = {100, 100, 50};

  @TempDir
  Path root;
  final FakeClock clock = new FakeClock();
  final long expires = FakeClock.START.getEpochSecond() + 3600;
  MessageBus bus;
  DataServer server;
  URI base;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    bus = MessageBus.inMemory();
    server = DataServer.start(TestConfig.at(root).maxTempObjects(8).build(), bus, clock);
    base = server.address().baseUri();
  }

  @AfterEach
  void stop() {
    server.close();
    bus.close();
  }

  @Test
  void blocksAppendedOverSeveralRequestsAreCountedAndReadBack() throws Exception {
    HttpResponse<String> first = patch(PATH, 0, frames(0, 1));
    assertEquals(200, first.statusCode(), first.body());
    assertEquals("1", blocksOf(first));
    // HttpURLConnection cannot send PATCH: the override counts as one.
    HttpResponse<String> rest = send(patchRequest(PATH, 1, frames(1, 3), LAYOUT, "1000")
        .method("POST", HttpRequest.BodyPublishers.ofByteArray(frames(1, 3)))
        .header("X-HTTP-Method-Override", "PATCH"));
    assertEquals(200, rest.statusCode(), rest.body());
    assertEquals("3", blocksOf(rest));
    HttpResponse<String> head = send(head(PATH));
    assertEquals(200, head.statusCode());
    assertEquals("3", blocksOf(head));
    assertEquals(LAYOUT, head.headers().firstValue("Shard-Layout").orElseThrow());
    assertEquals("1000", head.headers().firstValue("Object-Size").orElseThrow());
    assertArrayEquals(SHARD, getBytes(PATH).body());
    assertArrayEquals(Arrays.copyOfRange(SHARD, 100, 200), getBytes(PATH + "?blocks=1-1").body());
    byte[] records = getBytes(PATH + "?blocks=2-&checksums=crc32c").body();
    assertEquals(54, records.length);
    assertEquals(ShardRecords.crc(SHARD, 200, 50, 2), ByteBuffer.wrap(records).getInt(50));
    assertEquals(400, send(get(PATH + "?blocks=3-3")).statusCode());
  }

  @Test
  void anAppendFromPastTheBlocksHeldIsAConflictSayingHowManyAreHeld() throws Exception {
    assertEquals(404, patch(PATH, 1, frames(1, 2)).statusCode(), "no upload to go on with");
    patch(PATH, 0, frames(0, 1));
    HttpResponse<String> refused = patch(PATH, 2, frames(2, 3));
    assertEquals(409, refused.statusCode());
    assertEquals("1", blocksOf(refused));
    assertEquals("upload " + UPLOAD + ".2 holds 1 blocks: it cannot be appended to from block 2\n",
        refused.body());
    HttpResponse<String> again = patch(PATH, 0, frames(0, 2));
    assertEquals("2", blocksOf(again), "from 0 again: what was held is dropped");
  }

  @Test
  void badHeadersFramesAndBlocksAreRefusedWithAReason() throws Exception {
    byte[] flipped = frames(0, 1);
    flipped[20] ^= 1;
    Map<String, HttpRequest.Builder> refusals = Map.of(
        "Shard-Layout", request(PATH + "?from=0", frames(0, 1), "PATCH")
            .header("Object-Size", "1000").header("Upload-Expires", "" + expires),
        "Object-Size", patchRequest(PATH, 0, frames(0, 1), LAYOUT, "-1"),
        "from", request(PATH, frames(0, 1), "PATCH").header("Shard-Layout", LAYOUT)
            .header("Object-Size", "1000").header("Upload-Expires", "" + expires),
        "CRC32C", patchRequest(PATH, 0, flipped, LAYOUT, "1000"),
        "has 100 bytes", patchRequest(PATH, 0, frames(2, 3), LAYOUT, "1000"),
        "past the last", patchRequest(PATH, 0, frames(0, 2), LAYOUT, "400"),
        "not a shard of 1+1/100", patchRequest(PATH, 0, frames(0, 1), "1+1/100", "1000"),
        "before its end", patchRequest(PATH, 0, Arrays.copyOf(frames(0, 1), 108), LAYOUT,
            "1000"));
    for (Map.Entry<String, HttpRequest.Builder> refusal : refusals.entrySet()) {
      HttpResponse<String> refused = send(refusal.getValue());
      assertEquals(400, refused.statusCode(), refusal.getKey() + ": " + refused.body());
      assertTrue(refused.body().contains(refusal.getKey()), refused.body());
      assertEquals(1, refused.body().lines().count(), refused.body());
      send(delete(PATH)); // some keep the whole blocks before the bad one
    }
    patch(PATH, 0, new byte[4]);
    assertEquals(400, send(patchRequest(PATH + "?from=0", 0, new byte[4], "4+2/50", "1000"))
        .statusCode(), "the upload is of another striping");
  }

  @Test
  void theRealSizeDeclaredWithTheLastStripeIsTheCommittedShards() throws Exception {
    HttpResponse<String> full = send(patchRequest(PATH, 0, frames(0, 2), LAYOUT, "2000"));
    assertEquals("2", blocksOf(full), "two full stripes under a provisional size: " + full.body());
    HttpResponse<String> last = patch(PATH, 2, frames(2, 3));
    assertEquals(200, last.statusCode(), "Object-Size: 1000, block 2 of 50 bytes: " + last.body());
    assertEquals("3", blocksOf(last));
    assertEquals("1000", send(head(PATH)).headers().firstValue("Object-Size").orElseThrow());
    assertEquals(201, commit(HASH, 2, UPLOAD).statusCode());
    HttpResponse<byte[]> shard = getBytes("/shards/" + new ShardId(HASH, 2));
    assertEquals(200, shard.statusCode());
    assertEquals("1000", shard.headers().firstValue("Object-Size").orElseThrow());
    assertArrayEquals(SHARD, shard.body());
  }

  @Test
  void aSizeIsNotReDeclaredOverABlockShortUnderTheOldOne() throws Exception {
    patch(PATH, 0, frames(0, 3));
    HttpResponse<String> refused = send(patchRequest(PATH, 3, frames(3, 3), LAYOUT, "2000"));
    assertEquals(400, refused.statusCode());
    assertEquals("upload " + UPLOAD + ".2 of 4+2/100 of 1000 bytes cannot be re-declared as"
        + " 4+2/100 of 2000 bytes: it keeps 3 blocks (appending from block 3), not all whole"
        + " chunks of the old size (only the first 2 are)\n", refused.body());
    HttpResponse<String> head = send(head(PATH));
    assertEquals("1000", head.headers().firstValue("Object-Size").orElseThrow());
    assertEquals("3", blocksOf(head));
  }

  @Test
  void aBodyCutShortLeavesAnUploadToGoOnWith() throws Exception {
    byte[] body = frames(0, 3);
    try (Socket socket = new Socket("127.0.0.1", server.address().port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("PATCH " + PATH + "?from=0 HTTP/1.1\r\nHost: x\r\nShard-Layout: " + LAYOUT
          + "\r\nObject-Size: 1000\r\nUpload-Expires: " + expires + "\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(ISO_8859_1));
      out.write(body, 0, 2 * 108 + 20); // two whole frames, and a part of the third
      out.flush();
      socket.shutdownOutput();
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          ISO_8859_1)).readLine();
      assertTrue(status == null || status.contains(" 400 "), status);
    }
    // Some of the whole blocks sent, none torn: the writer goes on from what HEAD says.
    HttpResponse<String> rest;
    int held;
    do {
      Thread.sleep(20); // the server may not have seen the connection close yet
      held = Integer.parseInt(blocksOf(send(head(PATH))));
      rest = patch(PATH, held, frames(held, 3));
    } while (rest.statusCode() == 409);
    assertTrue(held <= 2, "held " + held);
    assertEquals(200, rest.statusCode(), rest.body());
    assertArrayEquals(SHARD, getBytes(PATH).body());
  }

  @Test
  void oneRequestAppendsAtATime() throws Exception {
    patch(PATH, 0, frames(0, 1));
    try (Socket first = startAppend(1)) {
      HttpResponse<String> second = patch(PATH, 1, frames(1, 2));
      assertEquals(409, second.statusCode());
      assertEquals("1", blocksOf(second));
      assertEquals("upload " + UPLOAD + ".2 is being appended to by another request\n",
          second.body());
      assertEquals(409, commit(HASH, 2, UPLOAD).statusCode());
      byte[] body = frames(1, 3);
      first.getOutputStream().write(body);
      first.getOutputStream().flush();
      BufferedReader answer = new BufferedReader(new InputStreamReader(
          first.getInputStream(), ISO_8859_1));
      String status = answer.readLine();
      while (status.isEmpty()) {
        status = answer.readLine(); // what is left of the 100 Continue
      }
      assertTrue(status.contains(" 200 "), status);
    }
    assertArrayEquals(SHARD, getBytes(PATH).body());
  }

  @Test
  void aCompleteUploadIsCommittedAsAShardAndIsGone() throws Exception {
    patch(PATH, 0, frames(0, 3));
    ShardId id = new ShardId(HASH, 2);
    HttpResponse<String> committed = commit(HASH, 2, UPLOAD);
    assertEquals(201, committed.statusCode(), committed.body());
    assertEquals(id + "\n", committed.body());
    HttpResponse<byte[]> shard = getBytes("/shards/" + id);
    assertEquals(200, shard.statusCode());
    assertArrayEquals(SHARD, shard.body());
    assertEquals(LAYOUT, shard.headers().firstValue("Shard-Layout").orElseThrow());
    assertEquals(404, send(get(PATH)).statusCode(), "the upload is gone");
    assertEquals(new LocateReply(server.address(), true, List.of(2), false,
        Optional.of(server.id())), locate(HASH.hex()));
    assertEquals(200, commit(HASH, 2, UPLOAD).statusCode(), "a repeated commit: held already");
  }

  @Test
  void anIncompleteOrMissingUploadIsNotCommitted() throws Exception {
    patch(PATH, 0, frames(0, 2));
    HttpResponse<String> incomplete = commit(HASH, 2, UPLOAD);
    assertEquals(400, incomplete.statusCode());
    assertEquals("upload " + UPLOAD + ".2 holds 2 of the 3 blocks of 4+2/100 of 1000 bytes\n",
        incomplete.body());
    assertEquals(404, commit(HASH, 3, UPLOAD).statusCode());
    assertEquals(400, commit(HASH, 2, "XYZ").statusCode());
    assertEquals(404, send(get("/shards/" + new ShardId(HASH, 2))).statusCode());
  }

  @Test
  void aDeletedUploadIsGone() throws Exception {
    patch(PATH, 0, frames(0, 1));
    assertEquals(204, send(delete(PATH)).statusCode());
    assertEquals(404, send(delete(PATH)).statusCode());
    assertEquals(404, send(get(PATH)).statusCode());
    assertEquals(400, send(delete("/uploads/" + UPLOAD)).statusCode());
  }

  @Test
  void anUploadIsGoneOnceItsExpiryHasPassed() throws Exception {
    patch(PATH, 0, frames(0, 1));
    clock.advance(Duration.ofMinutes(60));
    assertEquals(200, send(get(PATH)).statusCode());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(404, send(get(PATH)).statusCode());
    assertEquals(404, patch(PATH, 1, frames(1, 2)).statusCode());
  }

  @Test
  void aRestartedServerKeepsItsUploads() throws Exception {
    patch(PATH, 0, frames(0, 2));
    stop();
    start();
    assertArrayEquals(Arrays.copyOf(SHARD, 200), getBytes(PATH).body());
    assertEquals("3", blocksOf(patch(PATH, 2, frames(2, 3))));
  }

  @Test
  void otherMethodsAreNotAllowed() throws Exception {
    HttpResponse<String> put = send(request(PATH, new byte[0], "PUT"));
    assertEquals(405, put.statusCode());
    assertEquals("DELETE, GET, HEAD, PATCH", put.headers().firstValue("Allow").orElseThrow());
  }

  /** Starts an append that waits for 100 Continue: once that comes, it holds the upload. */
  private Socket startAppend(long from) throws IOException {
    Socket socket = new Socket("127.0.0.1", server.address().port());
    socket.getOutputStream().write(("PATCH " + PATH + "?from=" + from + " HTTP/1.1\r\nHost: x\r\n"
        + "Shard-Layout: " + LAYOUT + "\r\nObject-Size: 1000\r\nUpload-Expires: " + expires
        + "\r\nContent-Length: " + frames(1, 3).length + "\r\nExpect: 100-continue\r\n\r\n")
        .getBytes(ISO_8859_1));
    socket.getOutputStream().flush();
    String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
        ISO_8859_1)).readLine();
    assertTrue(status.contains(" 100 "), status);
    return socket;
  }

  /** Blocks {@code [from, to)} of {@link #SHARD}, framed, and the end. */
  static byte[] frames(int from, int to) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int b = from; b < to; b++) {
      BlockFrames.writeBlock(body, SHARD, b * 100, LENGTHS[b]);
    }
    BlockFrames.writeEnd(body);
    return body.toByteArray();
  }

  private HttpResponse<String> patch(String path, long from, byte[] body) throws Exception {
    return send(patchRequest(path, from, body, LAYOUT, "1000"));
  }

  private HttpRequest.Builder patchRequest(String path, long from, byte[] body, String layout,
      String size) {
    String query = path.contains("?") ? "" : "?from=" + from;
    return request(path + query, body, "PATCH").header("Shard-Layout", layout)
        .header("Object-Size", size).header("Upload-Expires", Long.toString(expires));
  }

  private HttpResponse<String> commit(ContentHash hash, int index, String upload)
      throws Exception {
    return send(request("/shards/" + new ShardId(hash, index) + "?upload=" + upload, new byte[0],
        "PUT"));
  }

  private HttpRequest.Builder request(String path, byte[] body, String method) {
    return HttpRequest.newBuilder(base.resolve(path))
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).GET();
  }

  private HttpRequest.Builder head(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .method("HEAD", HttpRequest.BodyPublishers.noBody());
  }

  private HttpRequest.Builder delete(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).DELETE();
  }

  private HttpResponse<byte[]> getBytes(String path) throws Exception {
    return http.send(get(path).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String blocksOf(HttpResponse<?> response) {
    return response.headers().firstValue("Shard-Blocks").orElse("none");
  }

  private LocateReply locate(String key) throws Exception {
    BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    try (Subscription request = bus.request(MessageBus.DATA_SERVERS, Json.quote(key),
        replies::add)) {
      return LocateReply.parse(replies.poll(5, TimeUnit.SECONDS).body());
    }
  }
}
