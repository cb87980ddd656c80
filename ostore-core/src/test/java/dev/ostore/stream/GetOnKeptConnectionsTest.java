package dev.ostore.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Transfers#get} on the connections {@link Transfers} keeps, against a raw server that
 * tells what they did: reused when a body was read whole, closed when it was not, and a
 * {@code GET} sent again on a fresh one when the server closed the kept one since.
 */
@Timeout(60)
class GetOnKeptConnectionsTest {
  private static final String SHARD = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
      + "Shard-Layout: 4+2/65536\r\n\r\nbytes";

  private final FakeClockTransfers fixture = new FakeClockTransfers();
  private final Transfers transfers = fixture.transfers;

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void getsReadWholeOneAfterAnotherShareOneConnection() throws Exception {
    try (RawHttpServer server = new RawHttpServer(false, SHARD)) {
      for (int i = 0; i < 3; i++) {
        try (GetStream in = transfers.get(server.address(), "/shards/x")) {
          assertEquals(5, in.length());
          assertEquals(Optional.of("4+2/65536"), in.header("shard-layout"));
          assertEquals("bytes", new String(in.readAllBytes()));
        }
      }
      assertEquals(1, server.accepted.get());
    }
  }

  @Test
  void aGetClosedBeforeItsEndClosesItsConnection() throws Exception {
    try (RawHttpServer server = new RawHttpServer(false, SHARD)) {
      try (GetStream in = transfers.get(server.address(), "/shards/x")) {
        assertEquals('b', in.read());
      }
      try (GetStream in = transfers.get(server.address(), "/shards/x")) {
        assertEquals("bytes", new String(in.readAllBytes()));
      }
      assertEquals(2, server.accepted.get());
    }
  }

  @Test
  void aGetOnAConnectionTheServerClosedSinceIsSentAgainOnAFreshOne() throws Exception {
    try (RawHttpServer server = new RawHttpServer(true, SHARD)) {
      try (GetStream in = transfers.get(server.address(), "/shards/x")) {
        in.readAllBytes();
      }
      while (server.closed.get() == 0) {
        Thread.sleep(5);
      }
      try (GetStream in = transfers.get(server.address(), "/shards/x")) {
        assertEquals("bytes", new String(in.readAllBytes()));
      }
      assertEquals(2, server.accepted.get());
      assertEquals(2, server.bodies.size(), "each GET arrived once");
    }
  }

  @Test
  void anErrorAnswerCarriesTheServersMessage() throws Exception {
    try (RawHttpServer server = new RawHttpServer(false,
        "HTTP/1.1 404 Not Found\r\nContent-Length: 19\r\n\r\nno shard x here\nxx\n")) {
      OstoreException missing = assertThrows(OstoreException.class,
          () -> transfers.get(server.address(), "/shards/x"));
      assertEquals(ErrorCode.NOT_FOUND, missing.code());
      assertEquals("no shard x here", missing.getMessage());
    }
  }
}
