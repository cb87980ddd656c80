package dev.ostore.stream;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.TcpProxy;
import dev.ostore.TestData;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.http.Exchange;
import dev.ostore.http.HttpService;
import dev.ostore.http.Routes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Transfers#send}: whole requests sent before their answers are read, against a real
 * server on loopback and against a raw socket that closes connections behind the client's back.
 */
@Timeout(60)
class SentRequestTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final FakeClock clock = new FakeClock();
  private final Transfers transfers = Transfers.create(executor, new FakeScheduler(clock), clock,
      Duration.ofSeconds(2), Duration.ofSeconds(10));

  @AfterEach
  void stop() {
    executor.shutdownNow();
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
    try (RawServer server = new RawServer("201 Created", true)) {
      ServerAddress address = loopback(server.port());
      assertEquals("ok\n",
          transfers.send(address, "PUT", "/x", Map.of(), bytes(10)).answer().text());
      awaitClosed(server);
      assertEquals("ok\n",
          transfers.send(address, "PUT", "/x", Map.of(), bytes(20)).answer().text());
      assertEquals(List.of(10, 20), server.bodies, "each arrived once, whole");
    }
  }

  @Test
  void anErrorAnswerIsNotSentAgainAndCarriesTheServersMessage() throws Exception {
    try (RawServer server = new RawServer("500 Server Error", false)) {
      SentRequest sent = transfers.send(loopback(server.port()), "PUT", "/x", Map.of(), bytes(5));
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

  private static void awaitClosed(RawServer server) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.closed == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(1, server.closed, "the server closed the first connection");
  }

  private static ServerAddress loopback(int port) {
    return new ServerAddress("127.0.0.1", port);
  }

  private static byte[] bytes(int n) {
    return TestData.randomBytes(n, n);
  }

  /** HTTP/1.1 on a socket: reads each request whole and answers {@code status} with "ok". */
  private static final class RawServer implements AutoCloseable {
    final List<Integer> bodies = new CopyOnWriteArrayList<>();
    volatile int closed;
    private final ServerSocket socket;
    private volatile Socket current;
    private final Thread thread;

    RawServer(String status, boolean closeAfterEach) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread = new Thread(() -> {
        try {
          while (true) {
            try (Socket connection = socket.accept()) {
              current = connection;
              serve(connection, status, closeAfterEach);
            }
            if (closeAfterEach) {
              closed++;
            }
          }
        } catch (IOException e) {
          // closed by the test
        }
      });
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void serve(Socket connection, String status, boolean once) throws IOException {
      InputStream in = connection.getInputStream();
      OutputStream out = connection.getOutputStream();
      do {
        int length = -1;
        for (String line; !(line = readLine(in)).isEmpty(); ) {
          if (line.toLowerCase().startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).strip());
          }
        }
        bodies.add(in.readNBytes(length).length);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Length: 3\r\n\r\nok\n")
            .getBytes(ISO_8859_1));
        out.flush();
      } while (!once);
    }

    /** One line without its CRLF; a connection that ends is an IOException. */
    private static String readLine(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new IOException("connection ended");
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      Socket connection = current;
      if (connection != null) {
        connection.close();
      }
      thread.join(5000);
    }
  }
}
