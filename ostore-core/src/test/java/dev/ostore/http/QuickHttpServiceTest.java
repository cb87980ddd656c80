package dev.ostore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpServiceTest} with every route but one answered quickly: each answer is the same as
 * from a thread that may wait, errors and their logs included; what waits, or answers at length,
 * is run again on such a thread.
 */
class QuickHttpServiceTest extends HttpServiceTest {
  private static final byte[] QUICK_LONG = new byte[QuickBody.LIMIT];
  private final AtomicInteger runs = new AtomicInteger();
  /** Lets the endpoint of {@code PUT /held-body/} read the body it was sent. */
  private final CountDownLatch bodyMayBeRead = new CountDownLatch(1);

  @Override
  Routes.Builder answerQuickly(Routes.Builder routes) {
    routes.add("GET", "/counted/", exchange -> {
      runs.incrementAndGet();
      exchange.respondText(200, "counted");
    }).add("GET", "/waits/", exchange -> {
      runs.incrementAndGet();
      exchange.aboutToWait();
      exchange.respondText(200, "waited");
    }).add("PUT", "/held-body/", exchange -> {
      try {
        assertTrue(bodyMayBeRead.await(10, TimeUnit.SECONDS), "the test let the body be read");
      } catch (InterruptedException e) {
        throw new InterruptedIOException("interrupted");
      }
      exchange.respondText(200, "read " + exchange.requestBody().readAllBytes().length);
    }).add("GET", "/quick-long/", exchange -> {
      try (OutputStream out = exchange.respond(200, QUICK_LONG.length)) {
        out.write(QUICK_LONG);
      }
    });
    for (String pattern : List.of("/hello/{x}", "/hello/deeper/{x}", "/objects/{name}",
        "/silent/", "/guarded/", "/query/", "/fail/{code}", "/multiline/", "/unreachable/",
        "/bug/", "/cut/", "/cut-by-bug/", "/cut-chunked/", "/long/", "/long-cut/",
        "/long-failing-early/", "/cut-before-body/", "/head/", "/pair/", "/held/", "/counted/",
        "/waits/", "/quick-long/")) {
      routes.answerQuickly("GET", pattern);
    }
    // PUT /objects/{name} stays as it was: a route not answered quickly beside those that are.
    return routes.answerQuickly("HEAD", "/gone/").answerQuickly("HEAD", "/head/")
        .answerQuickly("PUT", "/refuse/{x}").answerQuickly("PUT", "/fail-midway/{x}");
  }

  @Test
  void anEndpointThatWaitsOnNothingRunsOnce() throws Exception {
    assertEquals("counted\n", get("/counted/").body());
    assertEquals(1, runs.get());
  }

  @Test
  void anEndpointAboutToWaitIsRunAgainFromTheStart() throws Exception {
    assertEquals("waited\n", get("/waits/").body());
    assertEquals(2, runs.get());
  }

  /**
   * A client that sends many requests for quick answers and reads none fills its connection: the
   * answers wait to be written without holding the thread that reads every connection.
   */
  @Test
  void aClientThatReadsNoAnswerHoldsUpNoOtherClient() throws Exception {
    String request = "GET /quick-long/ HTTP/1.1\r\nHost: test\r\n\r\n";
    try (Socket silent = new Socket(server.address().host(), server.address().port())) {
      OutputStream out = silent.getOutputStream();
      for (int i = 0; i < 400; i++) { // 100 MiB of answers, more than any socket buffers
        out.write(request.getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      Thread.sleep(500);
      // Several connections, so that one is read by the same thread as the silent one.
      for (int i = 0; i < 8; i++) {
        String raw = RawHttp.send(server.address(),
            "GET /hello/x HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n", false);
        assertTrue(raw.startsWith("HTTP/1.1 200"), raw);
        assertEquals("hello\n", RawHttp.body(raw));
      }
    }
  }

  /**
   * A client that waits for {@code 100 Continue} before a small body is asked for it as soon as
   * the request is read, while its endpoint has not started reading; it is asked once.
   */
  @Test
  void aSmallBodyIsAskedForBeforeItsEndpointReads() throws Exception {
    try (Socket socket = putAwaitingContinue("/held-body/", 4096)) {
      InputStream in = socket.getInputStream();
      assertEquals("HTTP/1.1 100 Continue", head(in));
      bodyMayBeRead.countDown();
      socket.getOutputStream().write(new byte[4096]);
      String answer = head(in);
      assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
      assertEquals("read 4096\n", new String(in.readNBytes(10), StandardCharsets.US_ASCII));
    }
  }

  /** A larger body stays unsent until the endpoint reads it: an error may yet spare it. */
  @Test
  void aLargerBodyIsAskedForOnlyWhenItsEndpointReads() throws Exception {
    int length = (int) RoutingHandler.ASK_AT_ONCE_BELOW;
    try (Socket socket = putAwaitingContinue("/held-body/", length)) {
      InputStream in = socket.getInputStream();
      socket.setSoTimeout(500);
      assertThrows(SocketTimeoutException.class, in::read, "nothing before the endpoint reads");
      socket.setSoTimeout(10_000);
      bodyMayBeRead.countDown();
      assertEquals("HTTP/1.1 100 Continue", head(in));
      socket.getOutputStream().write(new byte[length]);
      assertTrue(head(in).startsWith("HTTP/1.1 200 "));
    }
  }

  /**
   * No answer, not even an error known before the body, leaves before the body asked for came:
   * {@code HttpURLConnection} drops an answer that arrives with the {@code 100 Continue}, then
   * waits for one until the connection times out. The body is read and dropped, and the
   * connection serves the next request.
   */
  @Test
  void anErrorAfterASmallBodyWasAskedForWaitsForItAndKeepsTheConnection() throws Exception {
    try (Socket socket = putAwaitingContinue("/refuse/x", 4096)) {
      InputStream in = socket.getInputStream();
      assertEquals("HTTP/1.1 100 Continue", head(in));
      socket.setSoTimeout(500);
      assertThrows(SocketTimeoutException.class, in::read, "nothing before the body is sent");
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(new byte[4096]);
      String answer = head(in);
      assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
      assertEquals("refused before reading\n", new String(in.readNBytes(23),
          StandardCharsets.US_ASCII));
      out.write("GET /hello/x HTTP/1.1\r\nHost: test\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      assertTrue(head(in).startsWith("HTTP/1.1 200 "));
    }
  }

  /** No route, or a method the route does not take: answered at once, the body never asked for. */
  @Test
  void aRequestWithoutARouteIsNotAskedForItsBody() throws Exception {
    for (String request : List.of("PUT /nowhere/", "POST /objects/x")) {
      String raw = RawHttp.send(server.address(), request + " HTTP/1.1\r\nHost: test\r\n"
          + "Content-Length: 4096\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
          false);
      assertTrue(raw.startsWith("HTTP/1.1 40"), raw);
      assertFalse(raw.contains("100 Continue"), raw);
    }
  }

  /** A connection that sent the head of a PUT of {@code length} bytes, waiting to continue. */
  private Socket putAwaitingContinue(String path, int length) throws IOException {
    Socket socket = new Socket(server.address().host(), server.address().port());
    socket.setSoTimeout(10_000);
    socket.getOutputStream().write(("PUT " + path + " HTTP/1.1\r\nHost: test\r\n"
        + "Content-Length: " + length + "\r\nExpect: 100-continue\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  /** The status line and headers of the next response, up to the blank line after them. */
  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head);
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    return text.substring(0, text.length() - 4);
  }
}
