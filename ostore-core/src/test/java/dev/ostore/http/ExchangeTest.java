package dev.ostore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What an {@link Endpoint} sees of a request through {@link Exchange}, on a real server. */
@Timeout(30)
class ExchangeTest {
  private final HttpClient client = HttpClient.newBuilder()
      .proxy(HttpClient.Builder.NO_PROXY)
      .version(HttpClient.Version.HTTP_1_1)
      .build();
  /** What the endpoint under test saw or threw; completed by the endpoint. */
  private final CompletableFuture<Object> seen = new CompletableFuture<>();
  private HttpService server;
  private static final ContentHash ABC =
      ContentHash.sha256("abc".getBytes(StandardCharsets.US_ASCII));

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void seesMethodRawPathQueryAndHeaders() throws Exception {
    serve("PUT", "/echo/{x}", exchange -> exchange.respondText(200, String.join("|",
        exchange.method(), exchange.path(), exchange.query("x").orElse("-"),
        exchange.query("absent").orElse("-"), exchange.query("y").orElse("-"),
        exchange.header("x-custom").orElse("-"), exchange.header("X-Absent").orElse("-"))),
        "x", "y", "absent");
    HttpResponse<String> response = send(HttpRequest.newBuilder(
            uri("/echo/r%C3%A9sum%C3%A9%2Fold?x=1%202+3%2B&y"))
        .header("X-Custom", "custom value")
        .PUT(HttpRequest.BodyPublishers.noBody()));
    assertEquals("PUT|/echo/r%C3%A9sum%C3%A9%2Fold|1 2+3+|-||custom value|-\n",
        response.body());
  }

  @Test
  void aHeaderOfOneValueGivenTwiceWithValuesThatDifferIsABadRequest() throws Exception {
    serve("GET", "/size", exchange -> exchange.respondText(200,
        exchange.singleHeader("Size").orElse("none")));
    assertEquals("none\n", send(HttpRequest.newBuilder(uri("/size"))).body());
    assertEquals("5\n", send(HttpRequest.newBuilder(uri("/size"))
        .header("Size", "5").header("size", "5 ")).body(), "the same value twice is that value");
    HttpResponse<String> twice = send(HttpRequest.newBuilder(uri("/size"))
        .header("Size", "5").header("Size", "6"));
    assertEquals(400, twice.statusCode());
    assertEquals("Size given twice: 5, 6\n", twice.body());
    assertEquals("Size given 3 times: 5, 5, 6\n", send(HttpRequest.newBuilder(uri("/size"))
        .header("Size", "5").header("Size", "5").header("Size", "6")).body());
  }

  @Test
  void decodesAValidObjectName() throws Exception {
    serve("GET", "/objects/{name}", exchange ->
        exchange.respondText(200, exchange.objectName("/objects/").value()));
    HttpResponse<String> response = send(
        HttpRequest.newBuilder(uri("/objects/r%C3%A9sum%C3%A9+1.pdf")));
    assertEquals(200, response.statusCode());
    assertEquals("résumé+1.pdf\n", response.body());
  }

  @Test
  void badObjectNameIsABadRequestSayingWhy() throws Exception {
    serve("GET", "/objects/{name}", exchange ->
        exchange.respondText(200, exchange.objectName("/objects/").value()));
    assertBadName("/objects/a%2Fb", "bad object name: object name contains '/'\n");
    assertBadName("/objects/%2e%2E", "bad object name: object name cannot be '..'\n");
  }

  @Test
  void readsAFixedLengthBodyAndKnowsItsLength() throws Exception {
    serve("PUT", "/echo/", this::echoBody);
    byte[] body = "a fixed-length body".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/echo/"))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertEquals("19 bytes, declared OptionalLong[19]: a fixed-length body\n", response.body());
  }

  @Test
  void readsAChunkedBodyWhoseLengthIsUnknown() throws Exception {
    serve("PUT", "/echo/", this::echoBody);
    String raw = RawHttp.send(server.address(), "PUT /echo/ HTTP/1.1\r\nHost: test\r\n"
        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", false);
    assertEquals("11 bytes, declared OptionalLong.empty: hello world\n", RawHttp.body(raw));
  }

  @Test
  void bodyShorterThanDeclaredIsABrokenUpload() throws Exception {
    serveCopy();
    RawHttp.send(server.address(), "PUT /copy/ HTTP/1.1\r\nHost: test\r\n"
        + "Content-Length: 100\r\n\r\n0123456789", true);
    assertBrokenOffAfter(10);
  }

  @Test
  void chunkedBodyWithoutItsLastChunkIsABrokenUpload() throws Exception {
    serveCopy();
    RawHttp.send(server.address(), "PUT /copy/ HTTP/1.1\r\nHost: test\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", true);
    assertBrokenOffAfter(5);
  }

  /** A client that stops sending, the connection open, is answered 408 once the server gives up. */
  @Test
  void aBodyThatStallsIsARequestTimeoutSayingHowLongItWaited() throws Exception {
    server = HttpService.start("exchange-test", new ServerAddress("127.0.0.1", 0),
        Routes.builder().add("PUT", "/copy/", this::copyBody).build(),
        new HttpService.Settings(8, Duration.ofSeconds(1)));
    String raw = RawHttp.send(server.address(), "PUT /copy/ HTTP/1.1\r\nHost: test\r\n"
        + "Content-Length: 100\r\n\r\n0123456789", false);
    assertEquals("HTTP/1.1 408 Request Timeout", RawHttp.statusLine(raw));
    assertTrue(raw.contains("\r\nConnection: close\r\n"), raw);
    assertEquals("the body of the upload of the upload stalled: nothing came for 1 s after 10"
        + " bytes\n", RawHttp.body(raw));
    OstoreException stalled = assertInstanceOf(OstoreException.class,
        org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
            () -> seen.get(10, TimeUnit.SECONDS)).getCause());
    assertEquals(ErrorCode.STALLED, stalled.code());
  }

  @Test
  void failureOfTheCopyTargetComesOutAsItIs() throws Exception {
    IOException diskFull = new IOException("disk full on purpose");
    serve("PUT", "/copy/", exchange -> {
      try {
        exchange.copyRequestBodyTo(new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw diskFull;
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw diskFull;
          }
        }, "x");
      } catch (IOException e) {
        seen.complete(e);
        throw new OstoreException(ErrorCode.STORAGE_FAILED, e.getMessage());
      }
    });
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/copy/"))
        .PUT(HttpRequest.BodyPublishers.ofString("some bytes")));
    assertEquals(diskFull, seen.get(10, TimeUnit.SECONDS));
    assertEquals(500, response.statusCode());
  }

  @Test
  void responseCanStartOnlyOnce() throws Exception {
    serve("GET", "/twice/", exchange -> {
      exchange.respond(200, 0);
      try {
        exchange.respond(200, 0);
      } catch (IllegalStateException e) {
        seen.complete(e.getMessage());
      }
      try {
        exchange.setHeader("X-Late", "late");
      } catch (IllegalStateException e) {
        seen.complete("setHeader: " + e.getMessage());
      }
    });
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/twice/")));
    assertEquals(200, response.statusCode());
    assertEquals("response already started", seen.get(10, TimeUnit.SECONDS));
    assertTrue(response.headers().firstValue("X-Late").isEmpty());
  }

  @Test
  void headerSetBeforeRespondingIsSent() throws Exception {
    serve("GET", "/header/", exchange -> {
      exchange.setHeader("X-Object-Size", "42");
      exchange.respondText(200, "with header");
    });
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/header/")));
    assertEquals("42", response.headers().firstValue("X-Object-Size").orElseThrow());
  }

  @Test
  void setHeaderAfterRespondingIsRefused() throws Exception {
    serve("GET", "/late/", exchange -> {
      exchange.respond(204, -1).close();
      try {
        exchange.setHeader("X-Late", "late");
      } catch (IllegalStateException e) {
        seen.complete(e.getMessage());
      }
    });
    send(HttpRequest.newBuilder(uri("/late/")));
    assertEquals("response already started", seen.get(10, TimeUnit.SECONDS));
  }

  @Test
  void readsTheDeclaredSha256FromEitherDigestHeader() throws Exception {
    serveDigests();
    assertEquals("none\n", digestSeen().body());
    assertEquals(ABC.hex() + "\n", digestSeen("Digest", "MD5=kAFQmDzST7DWlj99KOF/cg==, sha-256="
        + ABC.base64()).body());
    assertEquals(ABC.hex() + "\n", digestSeen("Content-Digest", "sha-512=:AAAA:, sha-256=:"
        + ABC.base64() + ":").body());
    assertEquals(ABC.hex() + "\n", digestSeen("Digest", "SHA-256=" + ABC.base64(),
        "Content-Digest", "sha-256=:" + ABC.base64() + ":").body());
    assertEquals("none\n", digestSeen("Digest", "MD5=kAFQmDzST7DWlj99KOF/cg==").body());
  }

  @Test
  void aMalformedOrContradictoryDigestIsABadRequestSayingWhich() throws Exception {
    serveDigests();
    HttpResponse<String> malformed = digestSeen("Digest", "SHA-256=tooshort");
    assertEquals(400, malformed.statusCode());
    assertEquals("malformed Digest header: SHA-256=tooshort\n", malformed.body());
    HttpResponse<String> unclosed = digestSeen("Content-Digest", "sha-256=:" + ABC.base64());
    assertEquals(400, unclosed.statusCode());
    assertTrue(unclosed.body().startsWith("malformed Content-Digest header"), unclosed.body());
    HttpResponse<String> unquoted = digestSeen("Content-Digest", "sha-256=" + ABC.base64());
    assertEquals(400, unquoted.statusCode());
    assertEquals("malformed Content-Digest header: sha-256=" + ABC.base64() + "\n",
        unquoted.body());
    String empty = ContentHash.sha256(new byte[0]).base64();
    HttpResponse<String> contradictory = digestSeen("Digest", "SHA-256=" + ABC.base64(),
        "Content-Digest", "sha-256=:" + empty + ":");
    assertEquals(400, contradictory.statusCode());
    assertEquals("the Digest and Content-Digest headers give different SHA-256s\n",
        contradictory.body());
    for (String[] twice : new String[][] {
        {"Digest", "SHA-256=" + ABC.base64() + ", sha-256=" + empty},
        {"Digest", "SHA-256=" + ABC.base64(), "Digest", "SHA-256=" + empty}}) {
      HttpResponse<String> answer = digestSeen(twice);
      assertEquals(400, answer.statusCode());
      assertEquals("the Digest header gives different SHA-256s\n", answer.body());
    }
    assertEquals(ABC.hex() + "\n", digestSeen("Content-Digest", "sha-256=:" + ABC.base64()
        + ":", "Content-Digest", "sha-256=:" + ABC.base64() + ":").body(), "the same twice");
  }

  @Test
  void writesDigestsAndETagAndMatchesIfNoneMatch() throws Exception {
    serveDigests();
    HttpResponse<String> answer = digestSeen("Digest", "SHA-256=" + ABC.base64());
    assertEquals("SHA-256=" + ABC.base64(), answer.headers().firstValue("Digest").orElseThrow());
    assertEquals("sha-256=:" + ABC.base64() + ":",
        answer.headers().firstValue("Content-Digest").orElseThrow());
    String etag = answer.headers().firstValue("ETag").orElseThrow();
    assertEquals("\"" + ABC.base64() + "\"", etag);
    String digest = "SHA-256=" + ABC.base64();
    for (String match : new String[] {etag, "W/" + etag, "*", "\"other\", " + etag}) {
      assertEquals(304, digestSeen("Digest", digest, "If-None-Match", match).statusCode(), match);
    }
    assertEquals(200, digestSeen("Digest", digest, "If-None-Match", "\"other\"").statusCode());
  }

  private void serve(String method, String pattern, Endpoint endpoint, String... parameters)
      throws IOException {
    server = HttpService.start("exchange-test", new ServerAddress("127.0.0.1", 0),
        Routes.builder().add(method, pattern, endpoint, parameters).build(),
        HttpService.Settings.DEFAULT);
  }

  /** Answers the SHA-256 a request declares, with its digest headers, or 304 on a match. */
  private void serveDigests() throws IOException {
    serve("GET", "/digest", exchange -> {
      java.util.Optional<ContentHash> declared = DigestHeaders.read(exchange);
      if (declared.isEmpty()) {
        exchange.respondText(200, "none");
        return;
      }
      DigestHeaders.write(exchange, declared.get());
      if (EntityTags.names(exchange, EntityTags.IF_NONE_MATCH,
          DigestHeaders.etag(declared.get()))) {
        exchange.respond(304, "text/plain", new byte[0]);
        return;
      }
      exchange.respondText(200, declared.get().hex());
    });
  }

  private HttpResponse<String> digestSeen(String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri("/digest"));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request);
  }

  private void serveCopy() throws IOException {
    serve("PUT", "/copy/", this::copyBody);
  }

  /** Copies the body, and completes {@link #seen} with its length or with how it failed. */
  private void copyBody(Exchange exchange) throws IOException {
    try {
      seen.complete(exchange.copyRequestBodyTo(new ByteArrayOutputStream(), "the upload"));
    } catch (IOException | RuntimeException e) {
      seen.completeExceptionally(e);
      throw e;
    }
  }

  private void echoBody(Exchange exchange) throws IOException {
    byte[] body = exchange.requestBody().readAllBytes();
    exchange.respondText(200, body.length + " bytes, declared " + exchange.requestLength()
        + ": " + new String(body, StandardCharsets.UTF_8));
  }

  private void assertBrokenOffAfter(long bytes) throws Exception {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, () -> seen.get(10, TimeUnit.SECONDS));
    OstoreException broken = assertInstanceOf(OstoreException.class, e.getCause());
    assertEquals(ErrorCode.BAD_REQUEST, broken.code());
    assertTrue(broken.getMessage().startsWith(
        "upload of the upload broken off after " + bytes + " bytes: "), broken.getMessage());
  }

  private void assertBadName(String path, String body) throws Exception {
    String raw = RawHttp.send(server.address(),
        "GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n", false);
    assertEquals("HTTP/1.1 400 Bad Request", RawHttp.statusLine(raw), raw);
    assertEquals(body, RawHttp.body(raw));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create(server.address().baseUri() + path);
  }
}
