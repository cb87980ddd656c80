package dev.ostore.server.api;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.TestData;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * tus 1.0.0 at {@code /files/}, driven as the specification's examples drive it, and by a real
 * tus client (tus-java-client), through real processes: six data servers and an api server over
 * RabbitMQ. Every answer is checked for {@code Tus-Resumable}, errors included.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TusTest {
  private static final int MIB = 1024 * 1024;
  private static final String TUS = "1.0.0";
  private static final String OCTETS = "application/offset+octet-stream";
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern(
      "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  @TempDir
  static Path root;
  static ProcessCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    ProcessCluster.Spec six = ProcessCluster.Spec.sixDataServers("tus");
    cluster = ProcessCluster.start(root, new ProcessCluster.Spec(six.name(), 6, six.apiJvm(),
        Map.of("HEARTBEAT_EXPIRY", "3s", "UPLOAD_LEASE", "3s",
            "METADATA_URL", "jdbc:sqlite:" + root.resolve("metadata.db")),
        six.dataJvm(), six.dataEnv()));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void optionsTellsTheVersionTheExtensionsAndTheChecksumAlgorithm() throws Exception {
    for (String path : List.of("/files", "/files/")) {
      HttpResponse<String> options = http().method("OPTIONS", path);
      assertEquals(204, options.statusCode(), path);
      assertHeader(TUS, options, "Tus-Resumable");
      assertHeader(TUS, options, "Tus-Version");
      assertHeader("creation,termination,expiration,checksum", options, "Tus-Extension");
      assertHeader("sha256", options, "Tus-Checksum-Algorithm");
      assertEquals(Optional.empty(), options.headers().firstValue("Tus-Max-Size"));
    }
  }

  @Test
  @Order(2)
  void anUploadCreatedThenPatchedInPiecesReadsBackByteIdentical() throws Exception {
    byte[] bytes = TestData.randomBytes(3 * MIB + 17, 1);
    HttpResponse<String> created = create(bytes.length, "name " + base64("tus pieces")
        + ",filetype " + base64("application/octet-stream") + ",is_confidential");
    assertEquals(201, created.statusCode(), created.body());
    assertHeader(TUS, created, "Tus-Resumable");
    String location = created.headers().firstValue("Location").orElseThrow();
    assertTrue(location.startsWith("/files/"), location);
    Instant expires = Instant.from(HTTP_DATE.parse(
        created.headers().firstValue("Upload-Expires").orElseThrow()));
    assertTrue(expires.isAfter(Instant.now().plus(Duration.ofHours(23))), expires.toString());
    int[] cuts = {0, 1_000_000, 1_000_001, 2 * MIB + 5, bytes.length};
    for (int i = 0; i + 1 < cuts.length; i++) {
      HttpResponse<String> head = head(location);
      assertEquals(200, head.statusCode());
      assertHeader(Integer.toString(cuts[i]), head, "Upload-Offset");
      assertHeader(Integer.toString(bytes.length), head, "Upload-Length");
      assertHeader("name " + base64("tus pieces"), head, "Upload-Metadata");
      assertHeader("no-store", head, "Cache-Control");
      assertHeader(TUS, head, "Tus-Resumable");
      assertTrue(head.headers().firstValue("Upload-Expires").isPresent());
      byte[] piece = Arrays.copyOfRange(bytes, cuts[i], cuts[i + 1]);
      // Every other piece with its checksum, as a client may choose.
      HttpResponse<String> patch = i % 2 == 0
          ? patch(location, cuts[i], piece, "Upload-Checksum", "sha256 " + sha256(piece))
          : patch(location, cuts[i], piece);
      assertEquals(204, patch.statusCode(), patch.body());
      assertHeader(Integer.toString(cuts[i + 1]), patch, "Upload-Offset");
      assertHeader(TUS, patch, "Tus-Resumable");
      if (i + 2 < cuts.length) {
        assertTrue(patch.headers().firstValue("Upload-Expires").isPresent());
      } else {
        String etag = "\"" + ContentHash.sha256(bytes).base64() + "\"";
        assertHeader(etag, patch, "ETag");
        assertHeader("1", patch, "Object-Version");
        HttpResponse<byte[]> get = http().getBytes("/objects/tus%20pieces");
        assertArrayEquals(bytes, get.body());
        assertHeader(etag, get.headers().firstValue("ETag"), "ETag");
      }
    }
    HttpResponse<String> over = head(location);
    assertEquals(404, over.statusCode(), "the upload is over");
    assertHeader(TUS, over, "Tus-Resumable");
    assertEquals(Optional.empty(), over.headers().firstValue("Upload-Offset"));
  }

  @Test
  @Order(3)
  void wrongOffsetTypeVersionAndChecksumAreRefusedAndLeaveTheUploadAsItWas() throws Exception {
    byte[] bytes = TestData.randomBytes(1000, 2);
    String location = location(create(bytes.length, "name " + base64("tus refusals")));
    assertEquals(204, patch(location, 0, Arrays.copyOf(bytes, 500)).statusCode());
    byte[] rest = Arrays.copyOfRange(bytes, 500, bytes.length);

    HttpResponse<String> wrongOffset = patch(location, 400, Arrays.copyOfRange(bytes, 400, 1000));
    assertEquals(409, wrongOffset.statusCode());
    assertEquals("the upload holds 500 bytes, not 400: PATCH with Upload-Offset: 500",
        wrongOffset.body().strip());
    assertHeader("500", wrongOffset, "Upload-Offset");
    assertHeader(TUS, wrongOffset, "Tus-Resumable");
    assertTrue(cluster.apiOutput().contains("api PATCH " + location + " (object tus refusals)"
        + " -> 409: the upload holds 500 bytes"), "the log names the upload's object");

    HttpResponse<String> wrongType = http().send(HttpRequest.newBuilder(http().uri(location))
        .header("Tus-Resumable", TUS).header("Upload-Offset", "500")
        .header("Content-Type", "application/octet-stream")
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(rest)));
    assertEquals(415, wrongType.statusCode());
    assertEquals("a tus PATCH takes Content-Type: application/offset+octet-stream, not"
        + " application/octet-stream", wrongType.body().strip());
    assertHeader(TUS, wrongType, "Tus-Resumable");

    for (String version : List.of("0.2.2", "")) {
      HttpRequest.Builder request = HttpRequest.newBuilder(http().uri(location))
          .header("Upload-Offset", "500").header("Content-Type", OCTETS)
          .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(rest));
      HttpResponse<String> refused = http().send(version.isEmpty() ? request
          : request.header("Tus-Resumable", version));
      assertEquals(412, refused.statusCode(), version);
      assertHeader(TUS, refused, "Tus-Version");
      assertHeader(TUS, refused, "Tus-Resumable");
      assertEquals(version.isEmpty() ? "a tus request needs Tus-Resumable: 1.0.0"
          : "this server speaks tus 1.0.0, not 0.2.2", refused.body().strip());
    }

    HttpResponse<String> mismatch = patch(location, 500, rest, "Upload-Checksum",
        "sha256 " + sha256(Arrays.copyOf(rest, 499)));
    assertEquals(460, mismatch.statusCode());
    assertHeader(TUS, mismatch, "Tus-Resumable");
    for (String other : List.of("sha1 " + Base64.getEncoder().encodeToString(new byte[20]),
        "md5 " + Base64.getEncoder().encodeToString(new byte[16]), "sha256 not-base64")) {
      HttpResponse<String> unknown = patch(location, 500, rest, "Upload-Checksum", other);
      assertEquals(400, unknown.statusCode(), other);
    }
    HttpResponse<String> offsetTwice = patch(location, 500, rest, "Upload-Offset", "0");
    assertEquals(400, offsetTwice.statusCode());
    assertEquals("Upload-Offset given twice: 500, 0", offsetTwice.body().strip());
    assertHeader("500", head(location), "Upload-Offset");

    assertEquals(204, patch(location, 500, rest, "Upload-Checksum", "sha256 " + sha256(rest))
        .statusCode());
    assertArrayEquals(bytes, http().getBytes("/objects/tus%20refusals").body());
  }

  @Test
  @Order(4)
  void creationNamesTheObjectByNameElseFilenameAndRefusesWhatItCannotDo() throws Exception {
    String byFilename = location(create(3, "filename " + base64("r\u00e9sum\u00e9.txt")));
    assertHeader("name " + base64("r\u00e9sum\u00e9.txt"), head(byFilename), "Upload-Metadata");
    assertEquals(204, patch(byFilename, 0, "abc".getBytes(US_ASCII)).statusCode());
    assertEquals("abc", http().get("/objects/r%C3%A9sum%C3%A9.txt").body());
    String both = location(create(1, "filename " + base64("ignored") + ",name " + base64("kept")));
    assertHeader("name " + base64("kept"), head(both), "Upload-Metadata");

    HttpResponse<String> empty = create(0, "name " + base64("tus empty"));
    assertEquals(201, empty.statusCode(), "an empty upload is complete at once");
    assertHeader("0", empty, "Upload-Offset");
    assertHeader("1", empty, "Object-Version");
    HttpResponse<byte[]> get = http().getBytes("/objects/tus%20empty");
    assertEquals(200, get.statusCode());
    assertEquals(0, get.body().length);

    Map<String, String> refusals = Map.of(
        "filetype " + base64("text/plain"),
        "a tus upload names its object in Upload-Metadata: name <the name in base64>"
            + " (or filename)",
        "name " + base64("a/b"), "bad object name \"a/b\": object name contains '/'",
        "name not*base64", "malformed Upload-Metadata: the value of name is not base64",
        "name " + base64("a") + ",name " + base64("b"),
        "malformed Upload-Metadata: name is given twice",
        "name a b", "malformed Upload-Metadata: each pair is a key, a space and a base64 value:"
            + " name a b");
    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
      HttpResponse<String> refused = create(10, refusal.getKey());
      assertEquals(400, refused.statusCode(), refusal.getKey());
      assertEquals(refusal.getValue(), refused.body().strip());
      assertHeader(TUS, refused, "Tus-Resumable");
    }
    HttpResponse<String> noMetadata = http().send(creation().header("Upload-Length", "10"));
    assertEquals(400, noMetadata.statusCode());
    HttpResponse<String> twice = http().send(creation().header("Upload-Length", "3")
        .header("Upload-Length", "4").header("Upload-Metadata", "name " + base64("twice")));
    assertEquals(400, twice.statusCode());
    assertEquals("Upload-Length given twice: 3, 4", twice.body().strip());
    HttpResponse<String> hex = http().send(creation().header("Upload-Length", "0x10")
        .header("Upload-Metadata", "name " + base64("hex")));
    assertEquals("Upload-Length must be a decimal number of bytes: 0x10", hex.body().strip());
    HttpResponse<String> deferred = http().send(creation().header("Upload-Defer-Length", "1")
        .header("Upload-Metadata", "name " + base64("deferred")));
    assertEquals(400, deferred.statusCode());
    assertEquals("Upload-Defer-Length is not supported: ostore lays out an object by its size,"
        + " so a tus creation needs Upload-Length", deferred.body().strip());
    HttpResponse<String> concat = http().send(creation().header("Upload-Concat", "partial")
        .header("Upload-Length", "10").header("Upload-Metadata", "name " + base64("part")));
    assertEquals(400, concat.statusCode());
    // As POST /objects/: checked at creation, a condition could be stale by the last byte.
    for (String[] condition : List.of(new String[] {"If-None-Match", "*"},
        new String[] {"If-Match", "\"abc\""},
        new String[] {"If-Unmodified-Since", "Sat, 05 Dec 2026 10:00:00 GMT"})) {
      HttpResponse<String> refused = http().send(creation().header("Upload-Length", "3")
          .header("Upload-Metadata", "name " + base64("guarded")).header(condition[0],
              condition[1]));
      assertEquals(400, refused.statusCode(), condition[0]);
      assertEquals("a resumable upload of guarded takes no If-Match, If-None-Match or"
          + " If-Unmodified-Since: only PUT /objects/guarded writes under a condition",
          refused.body().strip());
      assertHeader(TUS, refused, "Tus-Resumable");
    }
  }

  @Test
  @Order(5)
  void terminationDeletesTheUploadAndOtherMethodsAndBadTokensAreRefused() throws Exception {
    byte[] bytes = TestData.randomBytes(MIB, 5);
    String location = location(create(bytes.length, "name " + base64("tus terminated")));
    assertEquals(204, patch(location, 0, Arrays.copyOf(bytes, 300_000)).statusCode());
    HttpResponse<String> terminated = http().send(HttpRequest.newBuilder(http().uri(location))
        .header("Tus-Resumable", TUS).DELETE());
    assertEquals(204, terminated.statusCode());
    assertHeader(TUS, terminated, "Tus-Resumable");
    HttpResponse<String> gone = head(location);
    assertEquals(404, gone.statusCode());
    assertHeader(TUS, gone, "Tus-Resumable");
    assertEquals(404, patch(location, 300_000, new byte[1]).statusCode());
    assertEquals(404, http().get("/objects/tus%20terminated").statusCode());

    // X-HTTP-Method-Override: a POST standing for a DELETE, as tus allows.
    String overridden = location(create(10, "name " + base64("tus overridden")));
    HttpResponse<String> deleted = http().send(HttpRequest.newBuilder(http().uri(overridden))
        .header("Tus-Resumable", TUS).header("X-HTTP-Method-Override", "DELETE")
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(204, deleted.statusCode());
    assertEquals(404, head(overridden).statusCode());

    HttpResponse<String> get = http().send(HttpRequest.newBuilder(http().uri(location))
        .header("Tus-Resumable", TUS).GET());
    assertEquals(405, get.statusCode());
    assertHeader("DELETE, HEAD, PATCH", get, "Allow");
    assertHeader(TUS, get, "Tus-Resumable");
    HttpResponse<String> forged = patch("/files/nonsense", 0, new byte[1]);
    assertEquals(403, forged.statusCode());
    assertEquals("this upload token was not issued by this cluster", forged.body().strip());
    assertHeader(TUS, forged, "Tus-Resumable");
  }

  @Test
  @Order(6)
  void aPatchCutShortKeepsWhatArrivedAndHeadTellsWhereToResume() throws Exception {
    byte[] bytes = TestData.randomBytes(3 * MIB, 6);
    String location = location(create(bytes.length, "name " + base64("tus cut")));
    http().sendAndHangUp("PATCH " + location + " HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n"
        + "Content-Type: " + OCTETS + "\r\nUpload-Offset: 0\r\nContent-Length: " + bytes.length
        + "\r\n\r\n", Arrays.copyOf(bytes, 2 * MIB));
    // The server may take the cut PATCH up after a HEAD sent now: wait until it has kept some.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (offset(location) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    // As a client resumes: HEAD, then PATCH the rest; 409 while the cut PATCH still holds it.
    long held;
    HttpResponse<String> rest;
    do {
      held = offset(location);
      rest = patch(location, held, Arrays.copyOfRange(bytes, (int) held, bytes.length));
    } while (rest.statusCode() == 409 && System.nanoTime() < deadline);
    assertEquals(204, rest.statusCode(), rest.body());
    assertTrue(held > 0 && held <= 2 * MIB, "resumed from " + held);
    assertArrayEquals(bytes, http().getBytes("/objects/tus%20cut").body());
  }

  /**
   * tus-java-client, unchanged: its resumable uploader sends the file in PATCHes of 1 MiB (each a
   * POST with X-HTTP-Method-Override, chunked, after Expect: 100-continue), stops halfway, and a
   * second client resumes from the URL it remembered, asking HEAD where to go on.
   */
  @Test
  @Order(7)
  void aRealTusClientUploadsAMultiMibFileAndResumesIt() throws Exception {
    byte[] bytes = TestData.randomBytes(6 * MIB + 5, 7);
    Path file = root.resolve("tus-java-client.bin");
    Files.write(file, bytes);
    TusURLMemoryStore urls = new TusURLMemoryStore();
    TusUpload upload = new TusUpload(file.toFile());

    TusUploader first = client(urls).resumeOrCreateUpload(upload);
    first.setChunkSize(64 * 1024);
    first.setRequestPayloadSize(MIB);
    while (first.getOffset() < 3 * MIB && first.uploadChunk() > -1) {
      // Until halfway: the rest is for the second client.
    }
    first.finish();
    TusUploader second = client(urls).resumeOrCreateUpload(new TusUpload(file.toFile()));
    assertEquals(first.getUploadURL(), second.getUploadURL());
    assertEquals(first.getOffset(), second.getOffset(), "resumed where the first one stopped");
    second.setChunkSize(64 * 1024);
    second.setRequestPayloadSize(MIB);
    while (second.uploadChunk() > -1) {
      // All of it.
    }
    second.finish();
    assertEquals(bytes.length, second.getOffset());
    assertArrayEquals(bytes, http().getBytes("/objects/tus-java-client.bin").body());
  }

  /** Last: runs the rest of the class on an api server whose uploads expire in 3 seconds. */
  @Test
  @Order(8)
  void anUploadPastItsExpiryIs410() throws Exception {
    cluster.killApi();
    cluster.startAnotherApi(Map.of("UPLOAD_EXPIRY", "3s"));
    HttpResponse<String> created = create(100, "name " + base64("tus expired"));
    String location = location(created);
    Instant expires = Instant.from(HTTP_DATE.parse(
        created.headers().firstValue("Upload-Expires").orElseThrow()));
    assertTrue(expires.isBefore(Instant.now().plusSeconds(4)), expires.toString());
    assertEquals(204, patch(location, 0, new byte[10]).statusCode());
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), expires).toMillis()) + 1100);
    for (HttpResponse<String> expired : List.of(head(location), patch(location, 10, new byte[1]),
        http().send(HttpRequest.newBuilder(http().uri(location)).header("Tus-Resumable", TUS)
            .DELETE()))) {
      assertEquals(410, expired.statusCode(), expired.request().method());
      assertHeader(TUS, expired, "Tus-Resumable");
    }
    assertEquals(404, http().get("/objects/tus%20expired").statusCode());
  }

  static Http http() {
    return cluster.http();
  }

  static TusClient client(TusURLMemoryStore urls) throws Exception {
    TusClient client = new TusClient();
    client.setUploadCreationURL(new URL(http().uri("/files/").toString()));
    client.enableResuming(urls);
    return client;
  }

  static HttpRequest.Builder creation() {
    return HttpRequest.newBuilder(http().uri("/files")).header("Tus-Resumable", TUS)
        .POST(HttpRequest.BodyPublishers.noBody());
  }

  static HttpResponse<String> create(long length, String metadata) throws Exception {
    return http().send(creation().header("Upload-Length", Long.toString(length))
        .header("Upload-Metadata", metadata));
  }

  static String location(HttpResponse<String> created) {
    assertEquals(201, created.statusCode(), created.body());
    return created.headers().firstValue("Location").orElseThrow();
  }

  static HttpResponse<String> head(String location) throws Exception {
    return http().head(location, "Tus-Resumable", TUS);
  }

  /** The bytes the upload at {@code location} holds, as a HEAD tells them. */
  static long offset(String location) throws Exception {
    return Long.parseLong(head(location).headers().firstValue("Upload-Offset").orElseThrow());
  }

  /** PATCHes {@code body} at {@code offset}, with more headers as name, value, name, value... */
  static HttpResponse<String> patch(String location, long offset, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(http().uri(location))
        .header("Tus-Resumable", TUS).header("Upload-Offset", Long.toString(offset))
        .header("Content-Type", OCTETS)
        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body));
    return http().send(headers.length == 0 ? request : request.headers(headers));
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(UTF_8));
  }

  static String sha256(byte[] bytes) {
    return ContentHash.sha256(bytes).base64();
  }

  static void assertHeader(String expected, HttpResponse<?> response, String name) {
    assertHeader(expected, response.headers().firstValue(name), name);
  }

  static void assertHeader(String expected, Optional<String> actual, String name) {
    assertEquals(Optional.of(expected), actual, name);
  }
}
