package dev.ostore.server.api;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.server.data.DataServerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what {@code kill}, a service manager and {@link Process#destroy} send; Ctrl-C's SIGINT
 * takes the same path) stops a server gracefully: it takes no new connection, lets the requests in
 * flight finish within {@code STOP_TIMEOUT}, then logs that it stopped.
 */
@Timeout(180)
class GracefulStopTest {
  /** What the JVM exits with after its shutdown hooks ran on SIGTERM. */
  private static final int SIGTERM_STATUS = 128 + 15;

  @TempDir
  Path root;

  @Test
  void aStoreFinishesTheUploadInFlightThenSaysItStopped() throws Exception {
    ServerProcess.Listening listening = startStore(Map.of(), "graceful-store");
    int port = listening.port();
    try (ServerProcess store = listening.server()) {
      try (SlowRequest upload = SlowRequest.start(port, "PUT /objects/slow")) {
        store.terminate();
        store.awaitLog("api server stopping", Duration.ofSeconds(30));
        awaitRefused(port);
        upload.finish();
        assertEquals("HTTP/1.1 200 OK", upload.statusLine());
      }
      assertEquals(SIGTERM_STATUS, store.awaitExit());
      List<String> log = Files.readAllLines(store.log);
      assertTrue(log.get(log.size() - 1).endsWith("ServerMain: api server stopped"),
          String.join("\n", log));
    }
    try (LocalCluster again = LocalCluster.start(root)) {
      assertEquals("0123456789", new Http(again.uri()).get("/objects/slow").body());
    }
  }

  @Test
  void aRequestStillRunningAfterTheStopTimeoutIsCutOff() throws Exception {
    ServerProcess.Listening listening = startStore(Map.of("STOP_TIMEOUT", "1s"), "cut-store");
    int port = listening.port();
    try (ServerProcess store = listening.server();
        SlowRequest upload = SlowRequest.start(port, "PUT /objects/never")) {
      store.terminate();
      assertEquals(SIGTERM_STATUS, store.awaitExit());
      String log = Files.readString(store.log);
      assertTrue(log.contains("api server stopped; requests still in flight after PT1S were cut"
          + " off"), log);
      // The server, not the client, broke the upload off: never a 400. Whether the answer gets
      // out before the connection closes is a race, so the log tells what was answered.
      assertTrue(log.contains("PUT /objects/never -> 503: server stopping: upload of never cut"
          + " off after 5 bytes"), log);
      String status = upload.statusLine();
      assertTrue(status == null || status.startsWith("HTTP/1.1 503 "), status);
    }
  }

  @Test
  void aDataServerFinishesTheAppendInFlightThenSaysItStopped() throws Exception {
    Broker.requireRunning();
    try (Broker.VirtualHost vhost = new Broker.VirtualHost()) {
      ServerProcess.Listening listening = ServerProcess.startOnFreePort(
          free -> ServerProcess.start(DataServerMain.class, List.of(), Map.of(
              "RABBITMQ_SERVER", vhost.uri(), "LISTEN_ADDRESS", "127.0.0.1:" + free,
              "STORAGE_ROOT", root.toString()), List.of(),
              OneStorePerRootTest.LOGS.resolve("graceful-data.log")), Duration.ofSeconds(30));
      int port = listening.port();
      try (ServerProcess data = listening.server()) {
        Http http = new Http(URI.create("http://127.0.0.1:" + port));
        String id = http.method("POST", "/temp/").body().strip();
        try (SlowRequest append = SlowRequest.start(port, "PATCH /temp/" + id)) {
          data.terminate();
          data.awaitLog("data server stopping", Duration.ofSeconds(30));
          append.finish();
          assertTrue(append.statusLine().startsWith("HTTP/1.1 20"), append.statusLine());
        }
        assertEquals(SIGTERM_STATUS, data.awaitExit());
        assertTrue(Files.readString(data.log).strip().endsWith("data server stopped"),
            Files.readString(data.log));
        try (var temps = Files.list(root.resolve("temp"))) {
          assertEquals(List.of(10L), temps.map(GracefulStopTest::size).toList(),
              "the appended bytes are kept");
        }
      }
    }
  }

  private ServerProcess.Listening startStore(Map<String, String> env, String name)
      throws Exception {
    return ServerProcess.startOnFreePort(port -> ServerProcess.start(ApiServerMain.class,
        List.of(), env,
        List.of("--listen-address", "127.0.0.1:" + port, "--storage-root", root.toString()),
        OneStorePerRootTest.LOGS.resolve(name + ".log")), Duration.ofSeconds(30));
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Waits until the server, stopping, refuses new connections. */
  private static void awaitRefused(int port) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        assertTrue(System.nanoTime() < deadline, "still accepting connections while stopping");
        Thread.sleep(10);
      } catch (IOException refused) {
        return;
      }
    }
  }

  /**
   * A request of a 10-byte body whose first half is sent once the server has asked for it (with
   * 100 Continue, which it sends when its handler reads the body): so it is surely in flight.
   */
  private static final class SlowRequest implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;

    private SlowRequest(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), ISO_8859_1));
    }

    static SlowRequest start(int port, String requestLine) throws IOException {
      SlowRequest request = new SlowRequest(new Socket("127.0.0.1", port));
      request.socket.setSoTimeout(60_000);
      request.send(requestLine + " HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n"
          + "Expect: 100-continue\r\n\r\n");
      assertEquals("HTTP/1.1 100 Continue", request.in.readLine());
      assertEquals("", request.in.readLine());
      request.send("01234");
      return request;
    }

    void finish() throws IOException {
      send("56789");
    }

    /** The response's status line; null when the server closed the connection without one. */
    String statusLine() throws IOException {
      try {
        return in.readLine();
      } catch (IOException reset) {
        return null;
      }
    }

    private void send(String text) throws IOException {
      OutputStream out = socket.getOutputStream();
      out.write(text.getBytes(ISO_8859_1));
      out.flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
