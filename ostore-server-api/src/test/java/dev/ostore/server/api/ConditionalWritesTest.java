package dev.ostore.server.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.http.DigestHeaders;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code If-Match} and {@code If-None-Match} on writes of objects: a create that must not
 * replace, an update of the content read and no other, a delete of what was read.
 */
@Timeout(120)
class ConditionalWritesTest extends ClusterTest {
  @Test
  void aPutWithIfNoneMatchStarCreatesTheNameOnce() throws Exception {
    assertEquals(200, put("doc", "first", "If-None-Match", "*").statusCode());
    HttpResponse<String> again = put("doc", "second", "If-None-Match", "*");
    assertEquals(412, again.statusCode());
    assertEquals("object doc is at version 1 (ETag " + etag("first")
        + "), which If-None-Match (*) refuses\n", again.body());
    assertEquals("first", http.get("/objects/doc").body());
    assertEquals(1, http.get("/versions/doc").body().lines().count());
    http.method("DELETE", "/objects/doc");
    assertEquals(200, put("doc", "third", "If-None-Match", "*").statusCode(),
        "a deleted name is created again");
  }

  @Test
  void aPutWithIfMatchReplacesOnlyTheContentItNames() throws Exception {
    HttpResponse<String> missing = put("doc", "one", "If-Match", "*");
    assertEquals(412, missing.statusCode());
    assertEquals("object doc does not exist, and If-Match asks for one that does\n",
        missing.body());
    String first = http.put("/objects/doc", "one").headers().firstValue("ETag").orElseThrow();
    assertEquals(200, put("doc", "two", "If-Match", first).statusCode());
    HttpResponse<String> stale = put("doc", "three", "If-Match", first);
    assertEquals(412, stale.statusCode());
    assertEquals("object doc is at version 2 (ETag " + etag("two")
        + "), which If-Match does not name\n", stale.body());
    assertEquals("two", http.get("/objects/doc").body());
    assertEquals(200, put("doc", "four", "If-Match", "\"other\", " + etag("two")).statusCode());
    assertEquals("four", http.get("/objects/doc").body());
  }

  /** A client that waits for 100 Continue is never asked for the body of a refused write. */
  @Test
  void aPutRefusedUpFrontIsNeverAskedForItsBody() throws Exception {
    http.put("/objects/doc", "one");
    String answer = http.exchangeRaw("PUT /objects/doc HTTP/1.1\r\nHost: x\r\nIf-Match: "
        + etag("not it") + "\r\nContent-Length: 200000000\r\nExpect: 100-continue\r\n\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 412 "), answer);
    assertFalse(answer.contains("100 Continue"), answer);
    assertEquals("one", http.get("/objects/doc").body());
  }

  /**
   * The condition is checked again where the version is recorded: an update that another write
   * overtook while its body was still coming is refused, and the other write stays.
   */
  @Test
  void aPutOvertakenWhileItsBodyCameIsRefusedAtItsRecord() throws Exception {
    String first = http.put("/objects/doc", "one").headers().firstValue("ETag").orElseThrow();
    // Paused past what socket buffers hold: the server is reading it, its first check done.
    byte[] body = new byte[8 << 20];
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
      try {
        return http.send(HttpRequest.newBuilder(http.uri("/objects/doc"))
            .header("If-Match", first)
            .PUT(HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> new PausingStream(
                    new ByteArrayInputStream(body), 6 << 20, paused, resume)), body.length)));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(paused.await(30, TimeUnit.SECONDS));
    assertEquals(200, http.put("/objects/doc", "fast update").statusCode());
    resume.countDown();
    HttpResponse<String> refused = slow.get(60, TimeUnit.SECONDS);
    assertEquals(412, refused.statusCode(), refused.body());
    assertEquals("object doc is at version 2 (ETag " + etag("fast update")
        + "), which If-Match does not name\n", refused.body());
    assertEquals("fast update", http.get("/objects/doc").body());
    assertEquals(2, http.get("/versions/doc").body().lines().count());
  }

  @Test
  void aDeleteWithIfMatchDeletesOnlyTheContentItNames() throws Exception {
    String first = http.put("/objects/doc", "one").headers().firstValue("ETag").orElseThrow();
    http.put("/objects/doc", "two");
    HttpResponse<String> stale = delete("/objects/doc", "If-Match", first);
    assertEquals(412, stale.statusCode());
    assertEquals("two", http.get("/objects/doc").body());
    assertEquals(200, delete("/objects/doc", "If-Match", etag("two")).statusCode());
    assertEquals(404, http.get("/objects/doc").statusCode());
    // Nothing live: 404 first, as RFC 9110 section 13.2.1 orders it.
    assertEquals(404, delete("/objects/doc", "If-Match", etag("two")).statusCode());
    HttpResponse<String> removal = delete("/objects/doc?version=1", "If-Match", first);
    assertEquals(400, removal.statusCode());
    assertTrue(removal.body().startsWith("If-Match, If-None-Match and If-Unmodified-Since are"
        + " about the latest"),
        removal.body());
  }

  @Test
  void aGetWithIfMatchIsRefusedForOtherContent() throws Exception {
    http.put("/objects/doc", "one");
    assertEquals(200, http.send(HttpRequest.newBuilder(http.uri("/objects/doc"))
        .header("If-Match", etag("one"))).statusCode());
    HttpResponse<String> other = http.send(HttpRequest.newBuilder(http.uri("/objects/doc"))
        .header("If-Match", etag("two")));
    assertEquals(412, other.statusCode());
    assertEquals("version 1 of doc has ETag " + etag("one") + ", which If-Match does not name\n",
        other.body());
    assertEquals(412, http.head("/objects/doc?version=1", "If-Match", "W/" + etag("one"))
        .statusCode(), "If-Match compares strongly");
    assertEquals(200, http.head("/objects/doc", "If-None-Match", "one").statusCode(),
        "a read is safe: a malformed list names nothing");
  }

  @Test
  void aMalformedConditionIsABadRequestAndWritesNothing() throws Exception {
    http.put("/objects/doc", "one");
    HttpResponse<String> bad = put("doc", "two", "If-Match", "one");
    assertEquals(400, bad.statusCode());
    assertEquals("malformed If-Match header: one (a list of quoted entity tags, or *)\n",
        bad.body());
    assertEquals("one", http.get("/objects/doc").body());
  }

  /** Checked when it starts, a resumable upload's condition could be stale by its last byte. */
  @Test
  void aResumableUploadUnderAConditionIsRefused() throws Exception {
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(http.uri("/objects/doc"))
        .headers("Size", "5", "If-None-Match", "*").POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(400, refused.statusCode());
    assertEquals("a resumable upload of doc takes no If-Match, If-None-Match or"
        + " If-Unmodified-Since: only PUT /objects/doc writes under a condition\n",
        refused.body());
  }

  private HttpResponse<String> put(String name, String body, String... headers)
      throws Exception {
    return http.send(HttpRequest.newBuilder(http.uri("/objects/" + name)).headers(headers)
        .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> delete(String path, String... headers) throws Exception {
    return http.send(HttpRequest.newBuilder(http.uri(path)).headers(headers).DELETE());
  }

  private static String etag(String content) {
    return DigestHeaders.etag(ContentHash.sha256(content.getBytes(UTF_8)));
  }
}
