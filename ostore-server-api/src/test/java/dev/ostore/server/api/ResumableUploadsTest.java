package dev.ostore.server.api;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.TcpProxy;
import dev.ostore.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resumable uploads ({@code POST /objects/<name>}, then {@code /temp/<token>}) through real
 * processes: six data servers and api servers over RabbitMQ, sharing their metadata in an SQLite
 * file. Bodies cut by a proxy, an api server killed mid-upload, forged and expired tokens.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResumableUploadsTest {
  private static final int MIB = 1024 * 1024;
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern(
      "EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US).withZone(ZoneOffset.UTC);

  @TempDir
  static Path root;
  static ProcessCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    ProcessCluster.Spec six = ProcessCluster.Spec.sixDataServers("resumable");
    cluster = ProcessCluster.start(root, new ProcessCluster.Spec(six.name(), 6, six.apiJvm(),
        Map.of("HEARTBEAT_EXPIRY", "3s", "METADATA_URL", metadataUrl(), "UPLOAD_LEASE", "3s"),
        six.dataJvm(), six.dataEnv()));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static String metadataUrl() {
    return "jdbc:sqlite:" + root.resolve("metadata.db");
  }

  @Test
  @Order(1)
  void aMultiMibUploadInSeveralPutsReadsBackByteIdentical() throws Exception {
    byte[] bytes = TestData.randomBytes(5 * MIB + 123, 1);
    HttpResponse<String> post = post("/objects/several", bytes);
    assertEquals(201, post.statusCode(), post.body());
    String location = post.headers().firstValue("Location").orElseThrow();
    assertTrue(location.startsWith("/temp/"), location);
    assertEquals(location, post.body().strip());
    assertEquals("0", post.headers().firstValue("Upload-Offset").orElseThrow());
    assertEquals(Integer.toString(bytes.length),
        post.headers().firstValue("Upload-Length").orElseThrow());
    Instant expires = Instant.from(HTTP_DATE.parse(
        post.headers().firstValue("Upload-Expires").orElseThrow()));
    assertTrue(expires.isAfter(Instant.now().plus(Duration.ofHours(23))), expires.toString());
    int[] cuts = {0, 1_300_000, 1_300_001, 2 * MIB + 17, 4 * MIB, bytes.length};
    for (int i = 0; i + 1 < cuts.length; i++) {
      HttpResponse<String> put = put(location, cuts[i], Arrays.copyOfRange(bytes, cuts[i],
          cuts[i + 1]));
      assertEquals(200, put.statusCode(), put.body());
      if (i + 2 < cuts.length) {
        assertEquals("held " + cuts[i + 1] + " of " + bytes.length + " bytes",
            put.body().strip());
        assertEquals(Integer.toString(cuts[i + 1]),
            put.headers().firstValue("Upload-Offset").orElseThrow());
        HttpResponse<String> head = http().head(location);
        assertEquals(200, head.statusCode());
        assertEquals(Integer.toString(cuts[i + 1]),
            head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("no-store", head.headers().firstValue("Cache-Control").orElseThrow());
      } else {
        assertTrue(put.body().contains("\"Name\":\"several\""), put.body());
      }
    }
    assertArrayEquals(bytes, http().getBytes("/objects/several").body());
    assertEquals(404, http().head(location).statusCode(), "the upload is over");
    assertNoUploadFilesLeft(location);
  }

  @Test
  @Order(2)
  void aPutCutByAProxyKeepsWhatArrivedAndTheRestResumesFromHead() throws Exception {
    byte[] bytes = TestData.randomBytes(3 * MIB, 2);
    String location = post("/objects/cut", bytes).headers().firstValue("Location").orElseThrow();
    URI api = http().uri("/");
    try (TcpProxy proxy = TcpProxy.start(new InetSocketAddress(api.getHost(), api.getPort()))) {
      CountDownLatch sent = new CountDownLatch(1);
      CountDownLatch cut = new CountDownLatch(1);
      Http through = new Http(URI.create("http://127.0.0.1:" + proxy.port() + "/"));
      CompletableFuture<Void> put = CompletableFuture.runAsync(() -> {
        try {
          through.send(HttpRequest.newBuilder(through.uri(location)).PUT(
              HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                  () -> TestData.stallingAfter(bytes, 2 * MIB, sent, cut)), bytes.length)));
        } catch (Exception e) {
          // The proxy cut it: expected.
        }
      });
      assertTrue(sent.await(60, TimeUnit.SECONDS));
      Thread.sleep(1000); // lets the api server take in what was sent
      proxy.dropConnections();
      cut.countDown();
      put.get(60, TimeUnit.SECONDS);
    }
    // The client saw the cut before the api server did: it counts what arrived soon after.
    long held = 0;
    for (int i = 0; i < 100 && held == 0; i++) {
      Thread.sleep(100);
      held = heldAfterTheRequestEnded(location);
    }
    assertTrue(held > 0 && held <= 2 * MIB, "held " + held);
    HttpResponse<String> rest = put(location, held,
        Arrays.copyOfRange(bytes, (int) held, bytes.length));
    assertEquals(200, rest.statusCode(), rest.body());
    assertArrayEquals(bytes, http().getBytes("/objects/cut").body());
  }

  @Test
  @Order(3)
  void tokensNotSignedByTheClusterAre403AndExpiredOnes410() throws Exception {
    byte[] bytes = TestData.randomBytes(1000, 3);
    String location = post("/objects/tokens", bytes).headers().firstValue("Location")
        .orElseThrow();
    String token = location.substring("/temp/".length());
    String id = token.substring(0, 32);
    String forged = id + ".99999999999." + token.substring(token.lastIndexOf('.') + 1);
    for (String bad : List.of("/temp/nonsense", "/temp/" + forged,
        "/temp/" + token.replace(id, "0".repeat(32)))) {
      for (String method : List.of("HEAD", "PUT", "DELETE")) {
        HttpResponse<String> refused = http().method(method, bad);
        assertEquals(403, refused.statusCode(), method + " " + bad);
        if (!method.equals("HEAD")) {
          assertEquals("this upload token was not issued by this cluster",
              refused.body().strip());
        }
      }
    }
    long past = Instant.now().getEpochSecond() - 10;
    String expired = sign(id + "." + past);
    HttpResponse<String> gone = http().method("PUT", "/temp/" + expired);
    assertEquals(410, gone.statusCode());
    assertEquals("upload " + expired + " expired at " + Instant.ofEpochSecond(past),
        gone.body().strip());
    assertEquals(200, http().head(location).statusCode(), "the good token still works");
    HttpResponse<String> notAllowed = http().get(location);
    assertEquals(405, notAllowed.statusCode());
    assertEquals("DELETE, HEAD, PUT", notAllowed.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  @Order(4)
  void deleteLeavesNothingAndAWrongDigestLeavesNothingEither() throws Exception {
    byte[] bytes = TestData.randomBytes(MIB + 5, 4);
    String cancelled = post("/objects/cancelled", bytes).headers().firstValue("Location")
        .orElseThrow();
    assertEquals(200, put(cancelled, 0, Arrays.copyOf(bytes, 700_000)).statusCode());
    assertEquals(204, http().method("DELETE", cancelled).statusCode());
    assertEquals(404, http().head(cancelled).statusCode());
    assertNoUploadFilesLeft(cancelled);

    HttpResponse<String> post = send(HttpRequest.newBuilder(http().uri("/objects/wrong"))
        .header("Size", Integer.toString(bytes.length))
        .header("Digest", "SHA-256=" + ContentHash.sha256(new byte[1]).base64())
        .POST(HttpRequest.BodyPublishers.noBody()));
    String wrong = post.headers().firstValue("Location").orElseThrow();
    assertEquals(200, put(wrong, 0, Arrays.copyOf(bytes, 700_000)).statusCode());
    HttpResponse<String> last = put(wrong, 700_000,
        Arrays.copyOfRange(bytes, 700_000, bytes.length));
    assertEquals(400, last.statusCode());
    assertTrue(last.body().endsWith("not to the declared "
        + ContentHash.sha256(new byte[1]).base64() + ": the upload is deleted\n"), last.body());
    assertEquals(404, http().head(wrong).statusCode());
    assertEquals(404, http().get("/objects/wrong").statusCode());
    assertNoUploadFilesLeft(wrong);
  }

  @Test
  @Order(5)
  void wrongOffsetsAndBadRequestsAreRefusedWithTheirReason() throws Exception {
    byte[] bytes = TestData.randomBytes(2000, 5);
    String location = post("/objects/offsets", bytes).headers().firstValue("Location")
        .orElseThrow();
    assertEquals(200, put(location, 0, Arrays.copyOf(bytes, 500)).statusCode());
    HttpResponse<String> wrong = put(location, 400, Arrays.copyOfRange(bytes, 400, 2000));
    assertEquals(416, wrong.statusCode());
    assertEquals("500", wrong.headers().firstValue("Upload-Offset").orElseThrow());
    assertEquals("the upload holds 500 bytes: send the rest with Range: bytes=500-",
        wrong.body().strip());
    HttpResponse<String> past = put(location, 500, Arrays.copyOfRange(bytes, 400, 2000));
    assertEquals(400, past.statusCode());
    for (String size : new String[] {"0x10", "-1", "1e3", ""}) {
      HttpResponse<String> bad = send(HttpRequest.newBuilder(http().uri("/objects/bad"))
          .header("Size", size.isEmpty() ? " " : size).POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(400, bad.statusCode(), size);
    }
    assertEquals(400, send(HttpRequest.newBuilder(http().uri("/objects/bad"))
        .POST(HttpRequest.BodyPublishers.noBody())).statusCode(), "no Size");
    HttpResponse<String> sizeTwice = send(HttpRequest.newBuilder(http().uri("/objects/bad"))
        .header("Size", "5").header("Size", "6").POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(400, sizeTwice.statusCode());
    assertEquals("Size given twice: 5, 6\n", sizeTwice.body());
    HttpResponse<String> rangeTwice = send(HttpRequest.newBuilder(http().uri(location))
        .header("Range", "bytes=500-").header("Range", "bytes=0-")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(bytes, 500, 2000))));
    assertEquals(400, rangeTwice.statusCode());
    assertEquals("Range given twice: bytes=500-, bytes=0-\n", rangeTwice.body());
    assertEquals(400, send(HttpRequest.newBuilder(http().uri("/objects/bad")).header("Size", "3")
        .POST(HttpRequest.BodyPublishers.ofString("abc"))).statusCode(), "a body");
    // Neither Content-Length nor Transfer-Encoding: a request without a body (RFC 9112, 6.3).
    String bare = http().exchangeRaw("POST /objects/bare HTTP/1.1\r\nHost: x\r\nSize: 3\r\n"
        + "Connection: close\r\n\r\n");
    assertTrue(bare.startsWith("HTTP/1.1 201 "), bare);
    String bareLocation = bare.substring(bare.indexOf("\r\n\r\n") + 4).strip();
    assertEquals(204, send(HttpRequest.newBuilder(http().uri(bareLocation)).DELETE())
        .statusCode());
    assertEquals(200, put(location, 500, Arrays.copyOfRange(bytes, 500, 2000)).statusCode());
    assertArrayEquals(bytes, http().getBytes("/objects/offsets").body());
  }

  /** Knowing a hash is not enough to claim its content: a POST with it starts an upload. */
  @Test
  @Order(5)
  void aDigestOfStoredContentStartsAnUploadWhoseBytesAreSent() throws Exception {
    byte[] bytes = TestData.randomBytes(300_000, 8);
    assertEquals(200, http().put("/objects/original", bytes).statusCode());
    HttpResponse<String> post = post("/objects/claimed", bytes);
    assertEquals(201, post.statusCode(), post.body());
    assertEquals(404, http().get("/objects/claimed").statusCode());
    String location = post.headers().firstValue("Location").orElseThrow();
    assertEquals(200, put(location, 0, bytes).statusCode());
    assertArrayEquals(bytes, http().getBytes("/objects/claimed").body());
  }

  /** A DELETE waits for the PUT writing the upload, which would record it after a 204. */
  @Test
  @Order(5)
  void aDeleteWhileAPutWritesIs409AndThePutCompletes() throws Exception {
    byte[] bytes = TestData.randomBytes(16 * MIB, 9);
    String location = post("/objects/written", bytes).headers().firstValue("Location")
        .orElseThrow();
    CountDownLatch sent = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<HttpResponse<String>> writing = CompletableFuture.supplyAsync(() -> {
      try {
        return send(HttpRequest.newBuilder(http().uri(location)).PUT(
            HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                () -> TestData.stallingAfter(bytes, bytes.length - 1, sent, go)),
                bytes.length)));
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
    // All but its last byte sent: more than loopback's socket buffers hold, so the api server
    // is reading the body, under the upload's lease.
    assertTrue(sent.await(60, TimeUnit.SECONDS));
    HttpResponse<String> delete = http().method("DELETE", location);
    assertEquals(409, delete.statusCode(), delete.body());
    assertTrue(delete.body().endsWith(" is being written by another request: cancel it once"
        + " that is done\n"), delete.body());
    go.countDown();
    assertEquals(200, writing.get(60, TimeUnit.SECONDS).statusCode());
    assertArrayEquals(bytes, http().getBytes("/objects/written").body());
    assertEquals(404, http().method("DELETE", location).statusCode());
  }

  /**
   * Last: kills the api server while a PUT is under way, and finishes the upload through another
   * one, which has none of the first one's memory: it reads the held bytes back, decodes them
   * from how they are stored compressed, and hashes them.
   */
  @Test
  @Order(6)
  void anUploadKilledMidPutIsFinishedThroughAnotherApiServer() throws Exception {
    byte[] bytes = TestData.jsonLines(4 * MIB + 99, 6);
    String location = post("/objects/killed", bytes).headers().firstValue("Location")
        .orElseThrow();
    int acknowledged = 1_500_000;
    assertEquals(200, put(location, 0, Arrays.copyOf(bytes, acknowledged)).statusCode());
    URI api = http().uri("/");
    try (Socket socket = new Socket(api.getHost(), api.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("PUT " + location + " HTTP/1.1\r\nHost: x\r\nRange: bytes=" + acknowledged
          + "-\r\nContent-Length: " + (bytes.length - acknowledged) + "\r\n\r\n")
          .getBytes(US_ASCII));
      out.write(bytes, acknowledged, MIB);
      out.flush();
      Thread.sleep(1000);
      cluster.killApi();
    }
    cluster.startAnotherApi();
    long held = heldAfterTheRequestEnded(location);
    assertEquals(acknowledged, held, "what the killed PUT sent was never acknowledged");
    HttpResponse<String> rest = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      // The killed server's lease lapses after UPLOAD_LEASE (3 s): 409 until then. The 409 comes
      // before the body is read, and the connection is closed after it: a client still sending
      // may see it reset instead of the answer, which is the same refusal.
      try {
        rest = put(location, held, Arrays.copyOfRange(bytes, (int) held, bytes.length));
      } catch (IOException reset) {
        Thread.sleep(100);
        continue;
      }
      if (rest.statusCode() != 409) {
        break;
      }
    }
    assertNotNull(rest, "every PUT was reset");
    assertEquals(200, rest.statusCode(), rest.body());
    assertArrayEquals(bytes, http().getBytes("/objects/killed").body());
    // Stored compressed: a client that takes gzip gets the stored blocks, a fraction of the size.
    HttpResponse<byte[]> gzip = http().getBytes("/objects/killed", "Accept-Encoding", "gzip");
    assertEquals(java.util.Optional.of("gzip"), gzip.headers().firstValue("Content-Encoding"));
    assertTrue(gzip.body().length * 3 < bytes.length, gzip.body().length + " bytes");
    try (InputStream in = new java.util.zip.GZIPInputStream(
        new java.io.ByteArrayInputStream(gzip.body()))) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
  }

  static Http http() {
    return cluster.http();
  }

  static HttpResponse<String> post(String path, byte[] bytes) throws Exception {
    return send(HttpRequest.newBuilder(http().uri(path))
        .header("Size", Integer.toString(bytes.length))
        .header("Digest", "SHA-256=" + ContentHash.sha256(bytes).base64())
        .POST(HttpRequest.BodyPublishers.noBody()));
  }

  static HttpResponse<String> put(String location, long offset, byte[] body) throws Exception {
    return send(HttpRequest.newBuilder(http().uri(location))
        .header("Range", "bytes=" + offset + "-")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http().send(request);
  }

  /** The bytes held, once the api server has let go of the request that was cut. */
  static long heldAfterTheRequestEnded(String location) throws Exception {
    HttpResponse<String> head = http().head(location);
    assertEquals(200, head.statusCode());
    return Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
  }

  /**
   * Signs {@code claim} with the cluster's secret, read from its metadata as an operator's
   * {@code sqlite3} would: the api server has the file open, so no other process's store may.
   */
  static String sign(String claim) throws Exception {
    try (Connection metadata = DriverManager.getConnection(metadataUrl());
        ResultSet row = metadata.createStatement().executeQuery(
            "SELECT secret FROM ostore_secrets WHERE name = 'upload-tokens'")) {
      assertTrue(row.next(), "the api server made its secret");
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(row.getBytes(1), "HmacSHA256"));
      return claim + "." + Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(claim.getBytes(US_ASCII)));
    }
  }

  /** No data server holds a file of the upload at {@code location}. */
  static void assertNoUploadFilesLeft(String location) throws IOException {
    String id = location.substring("/temp/".length(), "/temp/".length() + 32);
    for (int i = 0; i < cluster.dataServerCount(); i++) {
      for (String file : cluster.filesOf(i, "uploads")) {
        assertTrue(!file.contains(id), "data server " + i + " still holds " + file);
      }
    }
  }
}
