package dev.ostore.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.DirectBuffers;
import dev.ostore.ErrorCode;
import dev.ostore.LogCapture;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.TestData;
import dev.ostore.stream.ByteSink;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link HttpService} and its routing and error handling, as an HTTP client sees them. */
@Timeout(30)
class HttpServiceTest {
  private static final String PLAIN_TEXT = "text/plain; charset=utf-8";
  private static final int CUT_LENGTH = 1_000_000;
  /** A body long enough to leave in writes of {@link Exchange#WRITES_OF}. */
  private static final byte[] LONG = TestData.randomBytes(3 * Exchange.WRITES_OF + 12_345, 1);

  private final HttpClient client = HttpClient.newBuilder()
      .proxy(HttpClient.Builder.NO_PROXY)
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final CyclicBarrier pair = new CyclicBarrier(2);
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  HttpService server;

  @BeforeEach
  void start() throws IOException {
    Routes.Builder routes = Routes.builder()
        .add("GET", "/hello/{x}", exchange -> exchange.respondText(200, "hello"))
        .add("GET", "/hello/deeper/{x}", exchange -> exchange.respondText(200, "deeper"))
        .add("GET", "/objects/{name}", exchange -> exchange.respondText(200, "got"))
        .add("PUT", "/objects/{name}", exchange -> exchange.respondText(200, "put"))
        .add("GET", "/silent/", exchange -> {})
        .add("GET", "/guarded/", exchange -> exchange.respondText(200, "passed"))
        .guard("/guarded/", exchange -> {
          exchange.setLastingHeader("Protocol", "1");
          if (exchange.header("Refuse").isPresent()) {
            throw new OstoreException(ErrorCode.PRECONDITION_FAILED, "refused by the guard");
          }
        })
        .add("GET", "/query/", exchange -> exchange.respondText(200,
            exchange.query("a").orElse("-") + "|" + exchange.query("b").orElse("-")), "a", "b")
        .add("GET", "/fail/{code}", exchange -> {
          String[] parts = exchange.path().substring("/fail/".length()).split("/");
          throw new OstoreException(ErrorCode.valueOf(parts[0]), "failed as " + parts[0]);
        })
        .add("PUT", "/refuse/{x}", exchange -> {
          throw new OstoreException(ErrorCode.NO_DATA_SERVER, "refused before reading");
        })
        .add("PUT", "/fail-midway/{x}", exchange -> {
          AtomicLong written = new AtomicLong();
          exchange.copyRequestBodyTo(ByteSink.stream((b, off, len) -> {
            if (written.addAndGet(len) > 1_000_000) {
              throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "failed midway");
            }
          }), exchange.path());
        })
        .add("HEAD", "/gone/", exchange -> {
          throw OstoreException.notFound("object r\u00e9sum\u00e9 100% gone");
        })
        .add("GET", "/multiline/", exchange -> {
          throw new OstoreException(ErrorCode.BAD_REQUEST, "first line\nsecond line");
        })
        .add("GET", "/about/{x}", exchange -> {
          exchange.about("object big\u001bbin");
          throw OstoreException.notFound("nothing is " + java.net.URLDecoder.decode(
              exchange.path().substring(7), java.nio.charset.StandardCharsets.UTF_8));
        })
        .add("GET", "/unreachable/", exchange -> {
          throw new OstoreException(ErrorCode.DATA_SERVER_UNREACHABLE,
              "data server 10.0.0.1:1 is unreachable", new ConnectException("Connection refused"));
        })
        .add("GET", "/bug/", exchange -> {
          throw new IllegalStateException("bug on purpose\nwith a second line");
        })
        .add("GET", "/out-of-memory/", exchange -> {
          throw new OutOfMemoryError("Java heap space, on purpose");
        })
        .add("GET", "/cut/", exchange -> {
          OutputStream out = exchange.respond(200, CUT_LENGTH);
          out.write(new byte[CUT_LENGTH / 10]);
          out.flush();
          throw new OstoreException(ErrorCode.STORAGE_FAILED, "disk failed on purpose");
        })
        .add("GET", "/cut-by-bug/", exchange -> {
          OutputStream out = exchange.respond(200, CUT_LENGTH);
          out.write(new byte[CUT_LENGTH / 10]);
          out.flush();
          throw new IllegalStateException("bug on purpose");
        })
        .add("GET", "/cut-chunked/", exchange -> {
          OutputStream out = exchange.respond(200, -1);
          out.write(new byte[CUT_LENGTH / 10]);
          out.flush();
          throw new OstoreException(ErrorCode.STORAGE_FAILED, "disk failed on purpose");
        })
        .add("GET", "/long/", exchange -> {
          try (OutputStream out = exchange.respond(200, LONG.length)) {
            for (int at = 0; at < LONG.length; at += 1000) {
              out.write(LONG, at, Math.min(1000, LONG.length - at));
            }
          }
        })
        .add("GET", "/long-cut/", exchange -> {
          OutputStream out = exchange.respond(200, LONG.length);
          out.write(LONG, 0, 1000);
          out.flush();
          throw new OstoreException(ErrorCode.STORAGE_FAILED, "disk failed on purpose");
        })
        .add("GET", "/long-failing-early/", exchange -> {
          OutputStream out = exchange.respond(200, LONG.length);
          out.write(LONG, 0, Exchange.WRITES_OF - 1);
          throw new OstoreException(ErrorCode.STORAGE_FAILED, "disk failed on purpose");
        })
        .add("GET", "/cut-before-body/", exchange -> {
          exchange.respond(200, 10);
          throw OstoreException.notFound("gone on purpose");
        })
        .add("GET", "/head/", exchange -> {
          try (OutputStream out = exchange.respond(200, 5)) {
            out.write("12345".getBytes(StandardCharsets.US_ASCII));
          }
        })
        .add("HEAD", "/head/", exchange -> {
          try (OutputStream out = exchange.respond(200, 5)) {
            out.write("12345".getBytes(StandardCharsets.US_ASCII));
          }
        })
        .add("GET", "/pair/", exchange -> {
          exchange.aboutToWait();
          try {
            pair.await(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException("no partner: " + e, e);
          }
          exchange.respondText(200, "paired");
        })
        .add("GET", "/held/", exchange -> {
          exchange.aboutToWait();
          entered.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
          }
          exchange.respondText(200, "held");
        });
    server = HttpService.start("http-test", new ServerAddress("127.0.0.1", 0),
        answerQuickly(routes).build(), HttpService.Settings.DEFAULT);
  }

  /** Adds routes of its own and marks those answered quickly: none here. */
  Routes.Builder answerQuickly(Routes.Builder routes) {
    return routes;
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void servesOnTheRealPortItWasGiven() {
    assertEquals("127.0.0.1", server.address().host());
    assertNotEquals(0, server.address().port());
  }

  @Test
  void routesARequestToTheEndpointOfItsPrefix() throws Exception {
    HttpResponse<String> response = get("/hello/world");
    assertEquals(200, response.statusCode());
    assertEquals("hello\n", response.body());
    assertEquals(Optional.of(PLAIN_TEXT), response.headers().firstValue("Content-Type"));
  }

  @Test
  void longestMatchingPrefixWins() throws Exception {
    assertEquals("deeper\n", get("/hello/deeper/x").body());
    assertEquals("hello\n", get("/hello/deep").body());
  }

  @Test
  void pathUnderNoPrefixIsNotFound() throws Exception {
    HttpResponse<String> response = get("/nowhere/x");
    assertEquals(404, response.statusCode());
    assertEquals("no endpoint at /nowhere/x\n", response.body());
    assertEquals(Optional.of(PLAIN_TEXT), response.headers().firstValue("Content-Type"));
  }

  @Test
  void methodAPrefixDoesNotServeIs405WithTheAllowedMethods() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/objects/x"))
        .method("DELETE", HttpRequest.BodyPublishers.noBody()));
    assertEquals(405, response.statusCode());
    assertEquals(Optional.of("GET, PUT"), response.headers().firstValue("Allow"));
    assertEquals("method DELETE is not allowed on /objects/{name}; use GET, PUT\n",
        response.body());
    assertEquals(Optional.of(PLAIN_TEXT), response.headers().firstValue("Content-Type"));
  }

  @Test
  void aGuardRunsBeforeEveryMethodAndItsHeadersLastThroughErrors() throws Exception {
    HttpResponse<String> passed = get("/guarded/");
    assertEquals("passed\n", passed.body());
    assertEquals(Optional.of("1"), passed.headers().firstValue("Protocol"));
    HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/guarded/"))
        .header("Refuse", "yes"));
    assertEquals(412, refused.statusCode());
    assertEquals("refused by the guard\n", refused.body());
    assertEquals(Optional.of("1"), refused.headers().firstValue("Protocol"));
    HttpResponse<String> notAllowed = send(HttpRequest.newBuilder(uri("/guarded/"))
        .header("X-HTTP-Method-Override", "delete")
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(405, notAllowed.statusCode());
    assertEquals("method DELETE is not allowed on /guarded/; use GET\n", notAllowed.body());
    assertEquals(Optional.of("1"), notAllowed.headers().firstValue("Protocol"));
    HttpResponse<String> notOverridden = send(HttpRequest.newBuilder(uri("/guarded/"))
        .header("X-HTTP-Method-Override", "GET")
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals("method POST is not allowed on /guarded/; use GET\n", notOverridden.body());
  }

  @Test
  void anEndpointReadsTheQueryParametersItsRouteTakesWithPlusAsAPlus() throws Exception {
    assertEquals("x+y z|-\n", get("/query/?a=x+y%20z").body());
    assertEquals("|2\n", get("/query/?a&b=2&").body());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/query/?c=1|unknown query parameter c: GET /query/ takes a, b",
      "/query/?a=1&a=1|query parameter a is given twice",
      "/query/?a=%E9|query parameter a is not valid UTF-8",
      "/query/?a=%zz|query parameter a has a bad percent escape at character 1",
      "/query/?%zz=1|a query name has a bad percent escape at character 1",
      "/silent/?a=1|unknown query parameter a: GET /silent/ takes none"})
  void aQueryTheRouteDoesNotTakeIsRefusedBeforeTheEndpointRuns(String path, String message)
      throws Exception {
    String raw = RawHttp.send(server.address(),
        "GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n", false);
    assertEquals("HTTP/1.1 400 Bad Request", RawHttp.statusLine(raw));
    assertEquals(message + "\n", RawHttp.body(raw));
  }

  /** A status Jetty has no reason phrase for is sent with the one its protocol gives it. */
  @ParameterizedTest
  @CsvSource({"CHECKSUM_MISMATCH,460 Checksum Mismatch", "STALLED,408 Request Timeout",
      "NOT_FOUND,404 Not Found"})
  void theStatusLineNamesTheStatus(String code, String status) throws Exception {
    String raw = RawHttp.send(server.address(), "GET /fail/" + code + " HTTP/1.1\r\n"
        + "Host: test\r\nConnection: close\r\n\r\n", false);
    assertEquals("HTTP/1.1 " + status, RawHttp.statusLine(raw));
    assertEquals("failed as " + code + "\n", RawHttp.body(raw));
  }

  @ParameterizedTest
  @CsvSource({"BAD_REQUEST,400", "NOT_FOUND,404", "CONFLICT,409", "NO_DATA_SERVER,503",
      "BUS_UNAVAILABLE,503", "METADATA_UNAVAILABLE,503", "DATA_SERVER_UNREACHABLE,502",
      "DATA_SERVER_FAILED,502", "STORAGE_FAILED,500", "BUSY,503"})
  void ostoreErrorBeforeTheResponseAnswersItsStatusAndMessage(String code, int status)
      throws Exception {
    HttpResponse<String> response = get("/fail/" + code);
    assertEquals(status, response.statusCode());
    assertEquals("failed as " + code + "\n", response.body());
    assertEquals(Optional.of(PLAIN_TEXT), response.headers().firstValue("Content-Type"));
  }

  @Test
  void everyErrorAnswerCarriesItsReasonInAnAsciiHeaderForHeadToo() throws Exception {
    HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/gone/"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals(404, head.statusCode());
    assertEquals(Optional.of("object r%C3%A9sum%C3%A9 100%25 gone"),
        head.headers().firstValue("Error-Message"));
    HttpResponse<String> bug = get("/bug/");
    assertEquals(Optional.of("internal error: java.lang.IllegalStateException: bug on purpose"),
        bug.headers().firstValue("Error-Message"));
    HttpResponse<String> notAllowed = send(HttpRequest.newBuilder(uri("/objects/x"))
        .method("DELETE", HttpRequest.BodyPublishers.noBody()));
    assertEquals(Optional.of("method DELETE is not allowed on /objects/{name}; use GET, PUT"),
        notAllowed.headers().firstValue("Error-Message"));
    assertEquals(Optional.empty(), get("/hello/world").headers().firstValue("Error-Message"));
  }

  @Test
  void errorMessageIsAnsweredOnOneLine() throws Exception {
    HttpResponse<String> response = get("/multiline/");
    assertEquals(400, response.statusCode());
    assertEquals("first line\n", response.body());
  }

  /**
   * An unexpected exception, or an Error (the heap ran out), is answered 500 with one line: a
   * client left without an answer would wait for one forever, its request never ended. The
   * server goes on serving.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/bug/|java.lang.IllegalStateException: bug on purpose",
      "/out-of-memory/|java.lang.OutOfMemoryError: Java heap space, on purpose"})
  void unexpectedExceptionOrErrorIs500WithAOneLineMessage(String path, String failure)
      throws Exception {
    HttpResponse<String> response = get(path);
    assertEquals(500, response.statusCode());
    assertEquals("internal error: " + failure + "\n", response.body());
    assertEquals(Optional.of(PLAIN_TEXT), response.headers().firstValue("Content-Type"));
    assertEquals(200, get("/hello/world").statusCode());
  }

  @Test
  void anExpectedFailureIsOneLogLineWithItsCauseAndABugHasItsStackTrace() throws Exception {
    try (LogCapture log = LogCapture.of("dev.ostore.http")) {
      assertEquals(502, get("/unreachable/").statusCode());
      assertEquals(500, get("/bug/").statusCode());
      List<LogRecord> failed = log.containing("http-test GET /unreachable/ -> 502: ");
      assertEquals(1, failed.size());
      assertEquals("http-test GET /unreachable/ -> 502: data server 10.0.0.1:1 is unreachable"
          + " (java.net.ConnectException: Connection refused)", failed.get(0).getMessage());
      assertEquals(null, failed.get(0).getThrown());
      List<LogRecord> bug = log.containing("http-test GET /bug/ failed unexpectedly");
      assertEquals(1, bug.size());
      assertEquals(Level.SEVERE, bug.get(0).getLevel());
      assertEquals("bug on purpose\nwith a second line", bug.get(0).getThrown().getMessage());
    }
  }

  @Test
  void endpointThatSendsNothingAnswers200WithAnEmptyBody() throws Exception {
    HttpResponse<String> response = get("/silent/");
    assertEquals(200, response.statusCode());
    assertEquals("", response.body());
  }

  @Test
  void errorAfterAFixedLengthResponseStartedCutsTheBodyShort() throws Exception {
    for (String path : new String[] {"/cut/", "/cut-by-bug/"}) {
      // The JDK client words it its own way; what matters is that it is an error.
      assertThrows(IOException.class, () -> get(path), "a client reading " + path);

      String raw = RawHttp.send(server.address(),
          "GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n", false);
      assertEquals("HTTP/1.1 200 OK", RawHttp.statusLine(raw));
      assertTrue(raw.contains("Content-Length: " + CUT_LENGTH + "\r\n"), raw.substring(0, 200));
      int received = RawHttp.body(raw).length();
      assertTrue(received < CUT_LENGTH, path + " sent all " + received + " bytes");
    }
  }

  @Test
  void errorAfterAChunkedResponseStartedNeverSendsTheLastChunk() throws Exception {
    assertThrows(IOException.class, () -> get("/cut-chunked/"));

    String raw = RawHttp.send(server.address(),
        "GET /cut-chunked/ HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n", false);
    assertEquals("HTTP/1.1 200 OK", RawHttp.statusLine(raw));
    assertFalse(raw.endsWith("\r\n0\r\n\r\n"), "the body was ended as if whole");
  }

  @Test
  void errorAfterRespondingButBeforeAnyByteLeftAnswersItsOwnStatus() throws Exception {
    HttpResponse<String> response = get("/cut-before-body/");
    assertEquals(404, response.statusCode());
    assertEquals("gone on purpose\n", response.body());
    assertEquals(Optional.of(PLAIN_TEXT), response.headers().firstValue("Content-Type"));
  }

  @Test
  void aLongBodyWrittenInSmallPiecesArrivesWhole() throws Exception {
    HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri("/long/"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode());
    assertArrayEquals(LONG, response.body());
  }

  @Test
  void anErrorBeforeTheFirstWriteOfALongBodyLeftAnswersItsOwnStatus() throws Exception {
    HttpResponse<String> response = get("/long-failing-early/");
    assertEquals(ErrorStatus.of(ErrorCode.STORAGE_FAILED), response.statusCode());
    assertEquals("disk failed on purpose\n", response.body());
  }

  @Test
  void aLongBodyFlushedBeforeAnErrorIsCutShort() throws Exception {
    String raw = RawHttp.send(server.address(),
        "GET /long-cut/ HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n", false);
    assertEquals("HTTP/1.1 200 OK", RawHttp.statusLine(raw));
    assertTrue(raw.contains("Content-Length: " + LONG.length + "\r\n"), raw.substring(0, 200));
    assertEquals(1000, RawHttp.body(raw).length(), "what was flushed, and no more");
  }

  /**
   * A long answer's buffer outside the heap is lent by the JVM's {@link DirectBuffers}: one that
   * ends well gives it back to be lent again, one cut or failed counts it no more, so that no
   * failure keeps a part of the budget for ever.
   */
  @Test
  void aLongAnswerThatFailsOrIsCutHoldsNoBufferOnceOver() throws Exception {
    DirectBuffers buffers = DirectBuffers.ofThisJvm();
    aLongBodyWrittenInSmallPiecesArrivesWhole();
    long held = buffers.held();
    assertTrue(held >= Exchange.WRITES_OF, "a buffer kept for the next long answer: " + held);
    for (int i = 0; i < 5; i++) {
      aLongBodyFlushedBeforeAnErrorIsCutShort();
      anErrorBeforeTheFirstWriteOfALongBodyLeftAnswersItsOwnStatus();
      aLongBodyWrittenInSmallPiecesArrivesWhole();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (buffers.held() != held) {
      assertTrue(System.nanoTime() < deadline, "held " + buffers.held() + ", not " + held);
      Thread.sleep(10);
    }
  }

  @Test
  void headResponseCarriesHeadersOnly() throws Exception {
    // HEAD and then GET on one connection: a body sent after the HEAD would show up as garbage
    // in front of the GET's status line.
    String raw = RawHttp.send(server.address(), "HEAD /head/ HTTP/1.1\r\nHost: test\r\n\r\n"
        + "GET /head/ HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n", false);
    String[] responses = raw.split("\r\n\r\n", -1);
    assertEquals(3, responses.length, raw);
    assertTrue(responses[0].startsWith("HTTP/1.1 200 OK"), raw);
    assertTrue(responses[0].contains("Content-Length: 5"), raw);
    assertTrue(responses[1].startsWith("HTTP/1.1 200 OK"), raw);
    assertEquals("12345", responses[2]);
  }

  @Test
  void endpointsMayBlockWithoutHoldingUpOthers() throws Exception {
    var first = client.sendAsync(HttpRequest.newBuilder(uri("/pair/")).build(),
        HttpResponse.BodyHandlers.ofString());
    var second = client.sendAsync(HttpRequest.newBuilder(uri("/pair/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals("paired\n", first.get(15, TimeUnit.SECONDS).body());
    assertEquals("paired\n", second.get(15, TimeUnit.SECONDS).body());
  }

  /**
   * What an endpoint says the request is about follows the path in the log; what a client sent
   * shows its control characters escaped, in the log and in the answer.
   */
  @Test
  void aFailureIsLoggedWithWhatItIsAboutAndNoControlCharacterOfTheClients() throws Exception {
    try (LogCapture log = LogCapture.of("dev.ostore.http")) {
      HttpResponse<String> answer = get("/about/a%1B%5B31mb%C2%9B");
      assertEquals(404, answer.statusCode());
      assertEquals("nothing is a\\u001b[31mb\\u009b\n", answer.body());
      assertEquals(List.of("http-test GET /about/a%1B%5B31mb%C2%9B (object big\\u001bbin)"
          + " -> 404: nothing is a\\u001b[31mb\\u009b"), log.containing("/about/").stream()
          .map(LogRecord::getMessage).toList());
    }
    assertRefused("GET /hello/\u001b HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
        "400 Bad Request", "the request line has a control character (U+001B): GET"
            + " /hello/\\u001b HTTP/1.1", "http-test GET /hello/\\u001b -> 400: ");
  }

  /**
   * A request Jetty refuses, or one it would take but misread, is answered in ostore's words,
   * saying what it found: never Jetty's generic text ("Bad Request", "Multiple
   * Content-Lengths", "Illegal character CNTL=0x1").
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "PUT /objects/a|Content-Length: 99999999999999999999999|PUT /objects/a|"
          + "Content-Length is larger than any body: 99999999999999999999999",
      "PUT /objects/a|Content-Length: 5;Content-Length: 6|PUT /objects/a|"
          + "two Content-Length headers: 5, 6",
      "PUT /objects/a|Content-Length:|PUT /objects/a|Content-Length is empty",
      "PUT /objects/a|Transfer-Encoding: gzip|PUT /objects/a|"
          + "Transfer-Encoding gzip is not supported: only chunked",
      "PUT /objects/a|Transfer-Encoding: gzip, chunked|PUT /objects/a|"
          + "Transfer-Encoding gzip, chunked is not supported: only chunked",
      "PUT /objects/a|Transfer-Encoding: gzip;Transfer-Encoding: chunked|PUT /objects/a|"
          + "Transfer-Encoding gzip, chunked is not supported: only chunked",
      "GET /hello/a\tb|X-A: 1|GET /hello/a\\u0009b|"
          + "the request line has a control character (U+0009): GET /hello/a\\u0009b HTTP/1.1",
      "GET /hello/a|X-A: 1\u0001b|GET /hello/a|"
          + "a header has a control character (U+0001): X-A: 1\\u0001b",
      "GET //hello/a|X-A: 1|GET //hello/a|the path has an empty segment: //hello/a",
      "GET /hello//a|X-A: 1|GET /hello//a|the path has an empty segment: /hello//a",
      "GET *|X-A: 1|GET *|the request target must be a path starting with /: *",
      "GET hello/a|X-A: 1|GET hello/a|the request target must be a path starting with /: hello/a"})
  void aRefusedRequestIsAnsweredInOstoresWords(String target, String headers, String logged,
      String reason) throws Exception {
    // Headers are given one after another, separated by ';'; a chunked body is empty.
    String head = target + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
        + headers.replace(";", "\r\n") + "\r\n\r\n";
    assertRefused(head + (headers.contains("chunked") ? "0\r\n\r\n" : ""), "400 Bad Request",
        reason, "http-test " + logged + " -> 400: ");
  }

  @Test
  void malformedRequestLineIsAnsweredAndLoggedInPlainText() throws Exception {
    assertRefused("THIS IS NOT HTTP\r\n\r\n", "400 Bad Request",
        "malformed request line: THIS IS NOT HTTP", "http-test - - -> 400: ");
  }

  @Test
  void headersTooLargeAreAnsweredAndLoggedInPlainText() throws Exception {
    assertRefused("GET /hello/ HTTP/1.1\r\nHost: test\r\nX-Big: " + "x".repeat(64 * 1024)
            + "\r\n\r\n", "431 Request Header Fields Too Large",
        "the request head is larger than the 8192 bytes this server reads",
        "http-test GET /hello/ -> 431: ");
  }

  @Test
  void badPercentEncodingIsAnsweredAndLoggedInPlainText() throws Exception {
    assertRefused("GET /hello/%zz?q=1 HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
        "400 Bad Request", "the path has a bad percent escape at character 8",
        "http-test GET /hello/%zz -> 400: ");
    String head = RawHttp.send(server.address(),
        "HEAD /hello/%zz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n", false);
    assertEquals("HTTP/1.1 400 Bad Request", RawHttp.statusLine(head));
    assertEquals("", RawHttp.body(head), "a HEAD answer has no body");
  }

  /** Sends {@code request}, which the server refuses, and checks the answer and the log. */
  private void assertRefused(String request, String status, String reason, String logged)
      throws Exception {
    try (LogCapture log = LogCapture.of("dev.ostore.http")) {
      String raw = RawHttp.send(server.address(), request, false);
      assertEquals("HTTP/1.1 " + status, RawHttp.statusLine(raw));
      assertPlainTextOneLine(raw);
      assertEquals(reason + "\n", RawHttp.body(raw));
      List<LogRecord> lines = log.containing(logged + reason);
      assertEquals(1, lines.size(), "logged once: " + log.records());
      assertEquals(Level.INFO, lines.get(0).getLevel());
    }
  }

  @Test
  void closeStopsServingAndIsIdempotent() throws Exception {
    ServerAddress address = server.address();
    server.close();
    server.close();
    assertThrows(ConnectException.class, () -> new Socket(address.host(), address.port()).close());
  }

  @Test
  void stopRefusesNewConnectionsAndLetsARequestInFlightFinish() throws Exception {
    CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
        HttpRequest.newBuilder(URI.create(server.address().baseUri() + "/held/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    ServerAddress address = server.address();
    CompletableFuture<Boolean> stopped =
        CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(20)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (connects(address)) {
      assertTrue(System.nanoTime() < deadline, "still accepting connections");
      Thread.sleep(10);
    }
    assertFalse(stopped.isDone());
    release.countDown();
    assertEquals("held\n", inFlight.get(10, TimeUnit.SECONDS).body());
    assertTrue(stopped.get(10, TimeUnit.SECONDS));
  }

  @Test
  void stopCutsOffWhatIsStillRunningAfterTheGrace() throws Exception {
    CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
        HttpRequest.newBuilder(URI.create(server.address().baseUri() + "/held/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    long start = System.nanoTime();
    assertFalse(server.stop(Duration.ofMillis(300)));
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300));
    assertThrows(ExecutionException.class, () -> inFlight.get(10, TimeUnit.SECONDS));
    release.countDown();
  }

  private static boolean connects(ServerAddress address) {
    try (Socket socket = new Socket(address.host(), address.port())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void startOnAPortInUseSaysSoInOneLine() {
    IOException e = assertThrows(IOException.class, () -> HttpService.start("second",
        server.address(), Routes.builder().build(), HttpService.Settings.DEFAULT));
    assertEquals(server.address() + " is in use by another process", e.getMessage());
  }

  @Test
  void listenOnAnAddressOfNoInterfaceSaysSo() {
    // 192.0.2.0/24 is reserved for documentation: no machine has it.
    ServerAddress elsewhere = new ServerAddress("192.0.2.1", 0);
    IOException e = assertThrows(IOException.class, () -> HttpService.listen("elsewhere",
        elsewhere, HttpService.Settings.DEFAULT));
    assertEquals("cannot listen on 192.0.2.1:0: it is not an address of this machine",
        e.getMessage());
  }

  @Test
  void settingsRefuseTooFewThreadsAndNonPositiveIdleTimeout() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HttpService.Settings(7, Duration.ofSeconds(1)));
    assertEquals("maxThreads (7) must be at least 8", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new HttpService.Settings(8, Duration.ZERO));
    assertEquals("idleTimeout (PT0S) must be positive", e.getMessage());
  }

  private static void assertPlainTextOneLine(String raw) {
    assertTrue(raw.contains("Content-Type: " + PLAIN_TEXT + "\r\n"), raw);
    assertTrue(raw.contains("Error-Message: " + RawHttp.body(raw).strip() + "\r\n"), raw);
    String body = RawHttp.body(raw);
    assertEquals(1, body.lines().count(), body);
    assertTrue(body.endsWith("\n"), body);
    assertFalse(body.contains("<"), "not HTML: " + body);
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create(server.address().baseUri() + path);
  }

  @Test
  void anErrorAnsweredBeforeTheBodyWasReadReachesAClientStillSendingIt() throws Exception {
    assertAnsweredWhileSending("/refuse/x", 503, "refused before reading\n");
  }

  /** As when a PUT's shards fail while its body still comes: the rest is read, then answered. */
  @Test
  void anErrorMidwayThroughTheBodyReachesAClientStillSendingIt() throws Exception {
    assertAnsweredWhileSending("/fail-midway/x", 502, "failed midway\n");
  }

  /**
   * A client that reads as it sends (curl) has the error as soon as it is known, and stops
   * sending: here it sends 2 MB of a 50 MB body and then only reads.
   */
  @Test
  void anErrorMidwayReachesAClientReadingAsItSendsBeforeItsBodyEnds() throws Exception {
    try (Socket socket = new Socket(server.address().host(), server.address().port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("PUT /fail-midway/x HTTP/1.1\r\nHost: ostore\r\n"
          + "Content-Length: 50000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[2_000_000]);
      out.flush();
      String head = new String(socket.getInputStream().readNBytes(40), StandardCharsets.UTF_8);
      assertTrue(head.startsWith("HTTP/1.1 502 "), head);
    }
  }

  /**
   * Sends bodies of several sizes, the largest past what the sockets' buffers hold, on a raw
   * socket that reads nothing before its whole body is sent: a connection reset under it breaks
   * the sending and loses the answer every time, where the JDK's clients, reading as they send,
   * lose it only now and then.
   */
  private void assertAnsweredWhileSending(String path, int status, String message)
      throws Exception {
    for (int size : new int[] {4_000_000, 12_000_000, 50_000_000}) {
      try (Socket socket = new Socket(server.address().host(), server.address().port())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("PUT " + path + " HTTP/1.1\r\nHost: ostore\r\nConnection: close\r\n"
            + "Content-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] block = new byte[64 * 1024];
        for (int sent = 0; sent < size; sent += block.length) {
          out.write(block, 0, Math.min(block.length, size - sent));
        }
        String answer = new String(socket.getInputStream().readAllBytes(),
            StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 " + status + " "),
            "body of " + size + " bytes: " + answer);
        assertTrue(answer.endsWith("\r\n\r\n" + message), answer);
      }
    }
  }
}
