package dev.ostore.server.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.storage.ShardStore;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Objects stored under their SHA-256: digests checked, content stored once, corruption caught. */
@Timeout(120)
class ContentAddressingTest extends ClusterTest {
  @Test
  void aPutAnswersItsVersionAndDigestsAndAGetCarriesThem() throws Exception {
    ContentHash hash = hash("content");
    HttpResponse<String> put = http.put("/objects/doc", "content");
    assertEquals("{\"Name\":\"doc\",\"Version\":1,\"Size\":7,\"Hash\":\"" + hash.base64()
        + "\"}", VersionsTest.withoutCreated(put.body().strip()));
    assertEquals("SHA-256=" + hash.base64(), header(put, "Digest"));
    HttpResponse<String> got = http.get("/objects/doc");
    assertEquals("\"" + hash.base64() + "\"", header(got, "ETag"));
    assertEquals("SHA-256=" + hash.base64(), header(got, "Digest"));
    assertEquals("sha-256=:" + hash.base64() + ":", header(got, "Content-Digest"));
    assertEquals("1", header(got, "Object-Version"));
    HttpResponse<String> cached = http.send(HttpRequest.newBuilder(uri("/objects/doc"))
        .header("If-None-Match", "\"" + hash.base64() + "\"").GET());
    assertEquals(304, cached.statusCode());
    assertEquals("", cached.body());
    HttpResponse<String> changed = http.send(HttpRequest.newBuilder(uri("/objects/doc"))
        .header("If-None-Match", "\"" + hash("other").base64() + "\"").GET());
    assertEquals(200, changed.statusCode());
  }

  @Test
  void aDeclaredDigestIsCheckedInEitherHeader() throws Exception {
    ContentHash hash = hash("checked");
    assertEquals(200, putWith("/objects/a", "checked", "Digest", "SHA-256=" + hash.base64())
        .statusCode());
    assertEquals(200, putWith("/objects/b", "checked", "Content-Digest",
        "sha-256=:" + hash.base64() + ":").statusCode());
    assertEquals(400, putWith("/objects/c", "checked", "Digest", "SHA-256=not-base64")
        .statusCode());
  }

  @Test
  void aDigestMismatchLeavesNeitherVersionNorObject() throws Exception {
    ContentHash claimed = hash("what the client meant");
    for (String[] header : new String[][] {{"Digest", "SHA-256=" + claimed.base64()},
        {"Content-Digest", "sha-256=:" + claimed.base64() + ":"}}) {
      HttpResponse<String> put = putWith("/objects/bad", "what arrived", header[0], header[1]);
      assertEquals(400, put.statusCode());
      assertTrue(put.body().contains("not the " + claimed.base64()), put.body());
    }
    assertEquals(404, http.get("/objects/bad").statusCode());
    assertEquals("", http.get("/versions/bad").body());
    awaitNoTemporaryFiles();
    assertEquals(List.of(), storedContents());
  }

  @Test
  void aHundredNamesWithTheSameBytesHoldOneStoredObject() throws Exception {
    // Too large for the metadata store: stored on the data servers.
    String shared = "shared bytes ".repeat(2_000);
    ContentHash hash = hash(shared);
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> put = i % 2 == 0
          ? http.put("/objects/copy-" + i, shared)
          : putWith("/objects/copy-" + i, shared, "Digest", "SHA-256=" + hash.base64());
      assertEquals(200, put.statusCode(), put.body());
    }
    assertEquals(List.of(hash.hex()), storedContents());
    assertEquals(3, shardFiles(hash).size(), "three copies, one per data server");
    for (int i = 0; i < 100; i++) {
      assertEquals(shared, http.get("/objects/copy-" + i).body());
    }
    awaitNoTemporaryFiles();
  }

  @Test
  void knowingAHashIsNotEnoughToClaimItsContent() throws Exception {
    http.put("/objects/secret", "the secret");
    HttpResponse<String> claim = putWith("/objects/mine", "anything else", "Digest",
        "SHA-256=" + hash("the secret").base64());
    assertEquals(400, claim.statusCode());
    assertEquals(404, http.get("/objects/mine").statusCode());
  }

  @Test
  void withInstantUploadAKnownDigestIsStoredWithoutItsBody() throws Exception {
    ApiServerConfig embedded = ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0),
        root, 3);
    restart(embedded.withInstantUpload(true));
    http.put("/objects/original", "big content");
    String digest = "SHA-256=" + hash("big content").base64();
    // As curl does for large bodies: headers, then wait for 100 Continue before the body.
    String instant = http.exchangeRaw("PUT /objects/alias HTTP/1.1\r\nHost: localhost\r\n"
        + "Digest: " + digest + "\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n");
    assertTrue(instant.startsWith("HTTP/1.1 200 "), instant);
    assertEquals("big content", http.get("/objects/alias").body());
    // A client that sends its body at once has it read and checked all the same.
    assertEquals(400, putWith("/objects/other", "not the content", "Digest", digest)
        .statusCode());
  }

  @Test
  void aCorruptedShardIsNeverServedAndTheObjectIsReadFromTheOthers() throws Exception {
    String content = "x".repeat(300_000);
    http.put("/objects/fragile", content);
    // Shard 0, the one a GET reads while it is healthy; stored compressed, a few hundred bytes,
    // whose middle is in its data.
    ShardStore.Placed shard = shardFiles(hash(content)).stream()
        .filter(found -> found.id().index() == 0).findFirst().orElseThrow().placed();
    ShardsOnDisk.flipByte(shard, shard.length() / 2);
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> got = http.get("/objects/fragile");
      assertEquals(200, got.statusCode(), got.body());
      assertEquals(content, got.body());
    }
    try (Stream<Path> aside = Files.walk(root)) {
      assertEquals(1, aside.filter(p -> p.getParent().getFileName().toString()
          .equals("corrupt")).count(), "moved aside for an operator to look at");
    }
  }

  @Test
  void aFileThatIsNotAHashInADataDirectoryIsIgnored() throws Exception {
    http.put("/objects/kept", "kept");
    cluster.close();
    Files.writeString(root.resolve("data-1").resolve("objects").resolve("stray.txt"), "?");
    Files.writeString(root.resolve("data-2").resolve("objects").resolve("old name"), "?");
    restart();
    assertEquals("kept", http.get("/objects/kept").body());
  }

  private HttpResponse<String> putWith(String path, String body, String header, String value)
      throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).header(header, value)
        .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private java.net.URI uri(String path) {
    return cluster.uri().resolve(path);
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElseThrow(() -> new AssertionError(name));
  }

  private static ContentHash hash(String content) {
    return ContentHash.sha256(content.getBytes(UTF_8));
  }

  /** The contents the data servers hold shards of, by hash in hex. */
  private List<String> storedContents() throws IOException {
    return ShardsOnDisk.all(root).stream().map(found -> found.id().hash().hex()).distinct()
        .sorted().toList();
  }

  /** The shards of {@code hash} on every data server. */
  private List<ShardsOnDisk.Found> shardFiles(ContentHash hash) throws IOException {
    return ShardsOnDisk.of(root, hash);
  }

  private void awaitNoTemporaryFiles() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try (Stream<Path> files = Files.walk(root)) {
        if (files.noneMatch(p -> p.getFileName().toString().endsWith(".part"))) {
          return;
        }
      }
      assertTrue(System.nanoTime() < deadline, "temporary files left behind");
      Thread.sleep(20);
    }
  }
}
