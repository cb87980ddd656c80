package dev.ostore.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.TcpProxy;
import dev.ostore.TestData;
import dev.ostore.http.HttpService;
import dev.ostore.http.Routes;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Transfers#send}: whole requests sent before their answers are read, against a real
 * server on loopback and against a raw one ({@link RawHttpServer}) that tells what the client's
 * connections did.
 */
@Timeout(60)
class SentRequestTest {
  private final FakeClockTransfers fixture = new FakeClockTransfers();
  private final Transfers transfers = fixture.transfers;

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void requestsSentToSeveralPathsBeforeAnyAnswerAllArriveAndAreAnswered() throws Exception {
    Map<String, byte[]> stored = new ConcurrentHashMap<>();
    Routes routes = Routes.builder().add("PUT", "/objects/{x}", exchange -> {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      exchange.copyRequestBodyTo(body, exchange.path());
      stored.put(exchange.path(), body.toByteArray());
      exchange.respond(201, "text/plain", (exchange.header("Name").orElse("?") + " "
          + body.size()).getBytes(StandardCharsets.UTF_8));
    }).build();
    try (HttpService server = HttpService.start("test", loopback(0), routes,
        HttpService.Settings.DEFAULT)) {
      List<byte[]> bodies = new ArrayList<>();
      List<SentRequest> sent = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        bodies.add(TestData.randomBytes(4096 + i, i));
        sent.add(transfers.send(server.address(), "PUT", "/objects/" + i,
            Map.of("Name", "copy" + i), bodies.get(i)));
      }
      for (int i = 0; i < 3; i++) {
        assertEquals("copy" + i + " " + (4096 + i), sent.get(i).answer().text());
        assertArrayEquals(bodies.get(i), stored.get("/objects/" + i));
      }
    }
  }

  @Test
  void aRequestOnAConnectionTheServerClosedSinceIsSentAgainOnAFreshOne() throws Exception {
    // Answers each request on a connection, then closes it without saying so beforehand.
    try (RawHttpServer server = new RawHttpServer("201 Created", true)) {
      ServerAddress address = server.address();
      assertEquals("ok\n",
          transfers.send(address, "PUT", "/x", Map.of(), bytes(10)).answer().text());
      awaitClosed(server, 1);
      assertEquals("ok\n",
          transfers.send(address, "PUT", "/x", Map.of(), bytes(20)).answer().text());
      assertEquals(List.of(10, 20), server.bodies, "each arrived once, whole");
    }
  }

  @Test
  void anErrorAnswerIsNotSentAgainAndCarriesTheServersMessage() throws Exception {
    try (RawHttpServer server = new RawHttpServer("500 Server Error", false)) {
      SentRequest sent = transfers.send(server.address(), "PUT", "/x", Map.of(), bytes(5));
      OstoreException failed = assertThrows(OstoreException.class, sent::answer);
      assertEquals(ErrorCode.DATA_SERVER_FAILED, failed.code());
      assertTrue(failed.getMessage().contains("answered 500") && failed.getMessage()
          .contains("ok"), failed.getMessage());
      assertEquals(List.of(5), server.bodies);
    }
  }

  @Test
  void aServerThatCannotBeReachedFailsAtOnce() throws Exception {
    try (Socket nothingListens = TcpProxy.reservedPort()) {
      OstoreException unreachable = assertThrows(OstoreException.class, () -> transfers.send(
          loopback(nothingListens.getLocalPort()), "PUT", "/x", Map.of(), bytes(1)));
      assertEquals(ErrorCode.DATA_SERVER_UNREACHABLE, unreachable.code());
    }
  }

  @Test
  void aRequestLeavesInOnePieceHeadAndBodyTogether() throws Exception {
    try (RawHttpServer server = new RawHttpServer("201 Created", false)) {
      transfers.send(server.address(), "PUT", "/shards/x", Map.of("Shard-Layout", "4+2"),
          bytes(4096)).answer();
      assertEquals(List.of(4096), server.bodies);
      assertTrue(server.firstReads.get(0) > 4096,
          "the server's first read took the head and the whole body: " + server.firstReads);
    }
  }

  @Test
  void requestsOneAfterAnotherToAServerShareOneConnection() throws Exception {
    try (RawHttpServer server = new RawHttpServer("201 Created", false)) {
      for (int i = 1; i <= 3; i++) {
        assertEquals(201,
            transfers.send(server.address(), "PUT", "/x", Map.of(), bytes(i)).answer()
                .status());
      }
      assertEquals(List.of(1, 2, 3), server.bodies);
      assertEquals(1, server.accepted.get());
    }
  }

  @Test
  void aConnectionIdleForLongerThanItIsKeptIsClosedNotUsed() throws Exception {
    try (RawHttpServer server = new RawHttpServer("201 Created", false)) {
      transfers.send(server.address(), "PUT", "/x", Map.of(), bytes(1)).answer();
      fixture.clock.advance(KeptConnections.KEEP_IDLE);
      transfers.send(server.address(), "PUT", "/x", Map.of(), bytes(2)).answer();
      assertEquals(2, server.accepted.get());
      awaitClosed(server, 1);
      assertEquals(List.of(1, 2), server.bodies);
    }
  }

  @Test
  void aConnectionToAServerNoLongerAskedIsClosedOnceIdleForLongerThanItIsKept()
      throws Exception {
    try (RawHttpServer left = new RawHttpServer("201 Created", false);
        RawHttpServer asked = new RawHttpServer("201 Created", false)) {
      transfers.send(left.address(), "PUT", "/x", Map.of(), bytes(1)).answer();
      fixture.clock.advance(KeptConnections.KEEP_IDLE);
      transfers.send(asked.address(), "PUT", "/x", Map.of(), bytes(2)).answer();
      awaitClosed(left, 1);
      assertEquals(0, asked.closed.get());
    }
  }

  @Test
  void atMostSoManyIdleConnectionsAreKeptPerServerAndTheRestClosed() throws Exception {
    int kept = KeptConnections.MAX_IDLE_PER_SERVER;
    try (RawHttpServer server = new RawHttpServer("201 Created", false)) {
      List<SentRequest> atOnce = new ArrayList<>();
      for (int i = 0; i <= kept; i++) {
        atOnce.add(transfers.send(server.address(), "PUT", "/x", Map.of(), bytes(1)));
      }
      for (SentRequest sent : atOnce) {
        sent.answer();
      }
      awaitClosed(server, 1);
      for (int i = 0; i < kept; i++) {
        atOnce.set(i, transfers.send(server.address(), "PUT", "/x", Map.of(), bytes(2)));
      }
      for (int i = 0; i < kept; i++) {
        atOnce.get(i).answer();
      }
      assertEquals(kept + 1, server.accepted.get(), "the kept ones were used again");
    }
  }

  @Test
  void aChunkedAnswerAfterAnInterimOneIsReadAndItsConnectionKept() throws Exception {
    try (RawHttpServer server = new RawHttpServer(false, "HTTP/1.1 100 Continue\r\n\r\n"
        + "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "2\r\nok\r\n1;x=y\r\n\n\r\n0\r\n\r\n")) {
      for (int i = 1; i <= 2; i++) {
        Answer answer =
            transfers.send(server.address(), "PUT", "/x", Map.of(), bytes(i)).answer();
        assertEquals(new Answer(201, "ok\n"), answer);
      }
      assertEquals(1, server.accepted.get());
    }
  }

  @Test
  void anAnswerClosingItsConnectionIsReadAndTheNextRequestOpensAnother() throws Exception {
    try (RawHttpServer server = new RawHttpServer(false,
        "HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 3\r\n\r\nok\n")) {
      for (int i = 1; i <= 2; i++) {
        assertEquals("ok\n",
            transfers.send(server.address(), "PUT", "/x", Map.of(), bytes(i)).answer()
                .text());
      }
      assertEquals(2, server.accepted.get());
      assertEquals(List.of(1, 2), server.bodies, "each arrived once");
    }
  }

  @Test
  void anAnswerWithNoContentIsReadAtOnceAndItsConnectionKept() throws Exception {
    try (RawHttpServer server = new RawHttpServer(false, "HTTP/1.1 204 No Content\r\n\r\n")) {
      for (int i = 1; i <= 2; i++) {
        assertEquals(new Answer(204, ""),
            transfers.send(server.address(), "PUT", "/x", Map.of(), bytes(i)).answer());
      }
      assertEquals(1, server.accepted.get());
    }
  }

  @Test
  void anAnswerCutShortFailsAndTheRequestIsNotSentAgain() throws Exception {
    try (RawHttpServer server = new RawHttpServer(true,
        "HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\nok")) {
      SentRequest sent = transfers.send(server.address(), "PUT", "/x", Map.of(), bytes(7));
      OstoreException failed = assertThrows(OstoreException.class, sent::answer);
      assertEquals(ErrorCode.DATA_SERVER_FAILED, failed.code());
      assertTrue(failed.getMessage().contains("ended early"), failed.getMessage());
      assertEquals(List.of(7), server.bodies);
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutAndGetsTheRequestOnce() throws Exception {
    try (RawHttpServer server = new RawHttpServer(false, null);
        Transfers impatient = Transfers.create(fixture.executor, new FakeScheduler(fixture.clock), fixture.clock,
            Duration.ofSeconds(2), Duration.ofMillis(300))) {
      SentRequest sent = impatient.send(server.address(), "PUT", "/x", Map.of(), bytes(5));
      OstoreException failed = assertThrows(OstoreException.class, sent::answer);
      assertEquals(ErrorCode.DATA_SERVER_FAILED, failed.code());
      assertTrue(failed.getMessage().contains("timed out"), failed.getMessage());
      assertEquals(List.of(5), server.bodies);
      assertEquals(1, server.accepted.get());
    }
  }

  @Test
  void closingClosesTheConnectionsKeptOpen() throws Exception {
    try (RawHttpServer server = new RawHttpServer("201 Created", false)) {
      transfers.send(server.address(), "PUT", "/x", Map.of(), bytes(1)).answer();
      assertEquals(0, server.closed.get());
      transfers.close();
      awaitClosed(server, 1);
    }
  }

  @Test
  void aHeaderThatWouldBreakItsLineIsRefusedAndNothingIsSent() throws Exception {
    try (RawHttpServer server = new RawHttpServer("201 Created", false)) {
      assertThrows(IllegalArgumentException.class, () -> transfers.send(server.address(),
          "PUT", "/x", Map.of("Name", "a\r\nX-Injected: y"), bytes(1)));
      assertThrows(IllegalArgumentException.class, () -> transfers.send(server.address(),
          "PUT", "/x y", Map.of(), bytes(1)));
      assertEquals(0, server.accepted.get());
    }
  }

  private static void awaitClosed(RawHttpServer server, int connections)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.closed.get() < connections && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(connections, server.closed.get(), "connections closed");
  }

  private static ServerAddress loopback(int port) {
    return new ServerAddress("127.0.0.1", port);
  }

  private static byte[] bytes(int n) {
    return TestData.randomBytes(n, n);
  }
}
