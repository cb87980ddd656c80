package dev.ostore.server.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.TestData;
import dev.ostore.storage.ShardStore;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The api server's HTTP behaviour, through real HTTP on loopback, against a local cluster. */
@Timeout(60)
class ApiServerTest extends ClusterTest {
  @Test
  void putThenGetReturnsTheSameBytes() throws Exception {
    byte[] bytes = TestData.randomBytes(100_000, 1);
    assertEquals(200, http.put("/objects/report.pdf", bytes).statusCode());
    HttpResponse<byte[]> got = http.getBytes("/objects/report.pdf");
    assertEquals(200, got.statusCode());
    assertArrayEquals(bytes, got.body());
    assertEquals("100000", got.headers().firstValue("Content-Length").orElseThrow());
  }

  @Test
  void headAnswersTheSizeWithoutABody() throws Exception {
    http.put("/objects/sized", "twelve bytes");
    HttpResponse<String> head = http.head("/objects/sized");
    assertEquals(200, head.statusCode());
    assertEquals("12", head.headers().firstValue("Content-Length").orElseThrow());
    assertEquals("", head.body());
  }

  @Test
  void emptyObjectsAreObjectsToo() throws Exception {
    assertEquals(200, http.put("/objects/empty", new byte[0]).statusCode());
    HttpResponse<String> got = http.get("/objects/empty");
    assertEquals(200, got.statusCode());
    assertEquals("", got.body());
  }

  @Test
  void locateAnswersWhichDataServerHoldsEachShard() throws Exception {
    String content = "here, and too large for the metadata store ".repeat(500);
    http.put("/objects/located", content);
    HttpResponse<String> located = http.get("/locate/located");
    assertEquals(200, located.statusCode());
    // Small content on three data servers: shards 0, 1 and 2 are three copies, one on each.
    Map<String, Object> shards = dev.ostore.Json.parseObject(located.body());
    assertEquals(java.util.Set.of("0", "1", "2"), shards.keySet(), located.body());
    assertEquals(cluster.dataServerAddresses().stream().map(Object::toString)
        .collect(java.util.stream.Collectors.toSet()), new java.util.HashSet<>(shards.values()));
    ContentHash hash = ContentHash.sha256(content.getBytes(UTF_8));
    assertEquals(3, holders(hash).size());
    assertEquals(located.body(), http.get("/locate/?hash=" + hash.hex()).body());
    assertEquals(located.body(), http.get("/locate/?hash="
        + java.net.URLEncoder.encode(hash.base64(), UTF_8)).body());
  }

  @Test
  void missingObjectAnswers404WithAMessage() throws Exception {
    HttpResponse<String> got = http.get("/objects/nothing-here");
    assertEquals(404, got.statusCode());
    assertEquals("object nothing-here not found\n", got.body());
    assertEquals(404, http.head("/objects/nothing-here").statusCode());
    HttpResponse<String> located = http.get("/locate/nothing-here");
    assertEquals(404, located.statusCode());
    assertEquals("object nothing-here not found\n", located.body());
  }

  @Test
  void badNamesAnswer400SayingWhy() throws Exception {
    assertBadName("/objects/a%2Fb", "contains '/'");
    assertBadName("/objects/%2e%2e", "cannot be '..'");
    assertBadName("/objects/.", "cannot be '.'");
    assertBadName("/objects/a%01b", "control character U+0001");
    // Jetty refuses an encoded NUL and malformed escapes itself; RefusedRequestsTest has more.
    assertBadName("/objects/a%00b", "the path contains an encoded NUL character (%00)");
    assertBadName("/objects/%ZZ", "the path has a bad percent escape at character 10");
    assertBadName("/objects/%C3", "the path is not valid UTF-8");
    assertBadName("/objects/" + "x".repeat(256), "256 bytes");
    assertBadName("/objects/a/b", "contains '/'");
    assertBadName("/locate/a%2Fb", "contains '/'");
    HttpResponse<String> put = http.put("/objects/..%2F..%2Fescape", "nope");
    assertEquals(400, put.statusCode(), put.body());
    try (Stream<Path> files = Files.walk(root.getParent(), 1)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().equals("escape")));
    }
  }

  @Test
  void otherMethodsAnswer405WithAllow() throws Exception {
    // POST there starts a resumable upload.
    HttpResponse<String> patch = http.method("PATCH", "/objects/x");
    assertEquals(405, patch.statusCode());
    assertEquals("DELETE, GET, HEAD, POST, PUT",
        patch.headers().firstValue("Allow").orElseThrow());
    assertTrue(patch.body().startsWith("method PATCH is not allowed"), patch.body());
    HttpResponse<String> locate = http.method("POST", "/locate/x");
    assertEquals(405, locate.statusCode());
    assertEquals("GET", locate.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void unknownPathsAnswer404() throws Exception {
    HttpResponse<String> got = http.get("/nothing/here");
    assertEquals(404, got.statusCode());
    assertEquals("no endpoint at /nothing/here\n", got.body());
  }

  @Test
  void smallContentIsLocatedInTheMetadataStoreOnNoDataServer() throws Exception {
    http.put("/objects/small", "here");
    HttpResponse<String> located = http.get("/locate/small");
    assertEquals(200, located.statusCode());
    assertEquals("{}", located.body());
    assertEquals("{}", http.get("/locate/?hash="
        + ContentHash.sha256("here".getBytes(UTF_8)).hex()).body());
  }

  @Test
  void eachPutOfANameAddsAVersionAndGetReturnsTheLatest() throws Exception {
    for (int i = 1; i <= 10; i++) {
      HttpResponse<String> put = http.put("/objects/doc", "version " + i);
      assertEquals(200, put.statusCode());
      assertTrue(put.body().startsWith("{\"Name\":\"doc\",\"Version\":" + i + ","), put.body());
      assertEquals("version " + i, http.get("/objects/doc").body());
    }
    assertEquals("version 3", http.get("/objects/doc?version=3").body());
    for (int i = 1; i <= 10; i++) {
      // Kept in the metadata store, below INLINE_BELOW: no data server holds a copy.
      assertEquals(0, holders(ContentHash.sha256(("version " + i).getBytes(UTF_8))).size());
    }
  }

  @Test
  void formEncodedBodiesAreStoredAsTheyCame() throws Exception {
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(cluster.uri().resolve(
            "/objects/form"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .PUT(HttpRequest.BodyPublishers.ofString("a=1&b=2")));
    assertEquals(200, put.statusCode());
    assertEquals("a=1&b=2", http.get("/objects/form").body());
  }

  @Test
  void bodiesOfUnknownLengthAreStoredWhole() throws Exception {
    byte[] bytes = TestData.randomBytes(3_000_000, 2);
    HttpResponse<String> put = http.send(HttpRequest.newBuilder(cluster.uri().resolve(
            "/objects/chunked"))
        .PUT(HttpRequest.BodyPublishers.ofInputStream(
            () -> new java.io.ByteArrayInputStream(bytes))));
    assertEquals(200, put.statusCode());
    assertArrayEquals(bytes, http.getBytes("/objects/chunked").body());
  }

  @Test
  void everyDataServerOfASmallStoreHoldsAShardOfEachObject() throws Exception {
    for (int i = 0; i < 30; i++) {
      // 20 KB: too large for the metadata store, small enough for whole copies.
      http.put("/objects/spread-" + i, ("object " + i + "\n").repeat(2_000));
    }
    for (int i = 1; i <= cluster.dataServerAddresses().size(); i++) {
      assertEquals(30, ShardStore.inspect(root.resolve("data-" + i)).size(), "data server " + i);
    }
  }

  @Test
  void namesOfAnyScriptRoundTrip() throws Exception {
    String name = "résumé 2026 – 東京 +report.txt";
    String path = "/objects/" + dev.ostore.ObjectName.of(name).urlSegment();
    assertEquals(200, http.put(path, "unicode").statusCode());
    assertEquals("unicode", http.get(path).body());
  }

  @Test
  void objectsSurviveARestart() throws Exception {
    http.put("/objects/durable", "still here");
    restart();
    assertEquals("still here", http.get("/objects/durable").body());
  }

  /** Sends the path over a raw socket, since java.net.URI refuses some of these paths. */
  private void assertBadName(String path, String reason) throws Exception {
    String answer = http.exchangeRaw(
        "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 400 "), path + " -> " + answer);
    String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
    assertTrue(body.contains(reason), path + " -> " + body);
    assertTrue(body.endsWith("\n") && body.indexOf('\n') == body.length() - 1, "one line: " + body);
  }

  /** The shards of content {@code hash} the data servers hold, in files or packs. */
  private List<ShardsOnDisk.Found> holders(ContentHash hash) throws Exception {
    return ShardsOnDisk.of(root, hash);
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, UTF_8);
  }
}
