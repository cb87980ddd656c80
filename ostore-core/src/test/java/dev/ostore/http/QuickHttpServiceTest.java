package dev.ostore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

  @Override
  Routes.Builder answerQuickly(Routes.Builder routes) {
    routes.add("GET", "/counted/", exchange -> {
      runs.incrementAndGet();
      exchange.respondText(200, "counted");
    }).add("GET", "/waits/", exchange -> {
      runs.incrementAndGet();
      exchange.aboutToWait();
      exchange.respondText(200, "waited");
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
}
