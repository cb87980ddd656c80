package dev.ostore.server.data;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.Json;
import dev.ostore.ServerAddress;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import dev.ostore.locate.LocateReply;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A data server through its HTTP endpoints and its bus messages. */
@Timeout(30)
class DataServerTest {
  @TempDir
  Path root;
  MessageBus bus;
  BlockingQueue<Message> heartbeats = new LinkedBlockingQueue<>();
  Subscription listening;
  DataServer server;
  URI base;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    bus = MessageBus.inMemory();
    listening = bus.subscribe(MessageBus.API_SERVERS, heartbeats::add);
    server = DataServer.start(new DataServerConfig(new ServerAddress("127.0.0.1", 0), root,
        java.util.Optional.empty(), Duration.ofMillis(100)), bus);
    base = server.address().baseUri();
  }

  @AfterEach
  void stop() {
    server.close();
    listening.close();
    bus.close();
  }

  @Test
  void storesAndServesObjectsUnderStorageRoot() throws Exception {
    assertEquals(200, put("/objects/hello", "hello world").statusCode());
    HttpResponse<String> got = get("/objects/hello");
    assertEquals(200, got.statusCode());
    assertEquals("hello world", got.body());
    assertEquals("11", got.headers().firstValue("Content-Length").orElseThrow());
    HttpResponse<String> head = send(HttpRequest.newBuilder(base.resolve("/objects/hello"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals("11", head.headers().firstValue("Content-Length").orElseThrow());
    assertEquals("hello world", Files.readString(root.resolve("objects").resolve("hello")));
  }

  @Test
  void missingObjectsAndBadNamesAreRefusedWithAReason() throws Exception {
    HttpResponse<String> missing = get("/objects/none");
    assertEquals(404, missing.statusCode());
    assertEquals("object none not found\n", missing.body());
    HttpResponse<String> bad = get("/objects/a%2Fb");
    assertEquals(400, bad.statusCode());
    assertEquals("bad object name: object name contains '/'\n", bad.body());
    HttpResponse<String> post = send(HttpRequest.newBuilder(base.resolve("/objects/x"))
        .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertEquals(405, post.statusCode());
    assertEquals("GET, HEAD, PUT", post.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void anUploadCutShortLeavesNoObjectAndNoTemporaryFile() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.address().port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("PUT /objects/cut HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
          .getBytes(ISO_8859_1));
      out.write(new byte[40_000]);
      out.flush();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (filesIn("temp") > 0) {
      assertTrue(System.nanoTime() < deadline, "temporary file left behind");
      Thread.sleep(10);
    }
    assertEquals(404, get("/objects/cut").statusCode());
    assertEquals(0, filesIn("objects"));
  }

  @Test
  void announcesItsAddressAtStartAndEveryInterval() throws Exception {
    String expected = Json.quote(server.address().toString());
    for (int i = 0; i < 3; i++) {
      Message beat = heartbeats.poll(5, TimeUnit.SECONDS);
      assertEquals(expected, beat == null ? null : beat.body());
    }
  }

  @Test
  void answersLocateRequestsForWhatItHolds() throws Exception {
    put("/objects/here", "x");
    assertEquals(new LocateReply(server.address(), true), locate("here"));
    assertEquals(new LocateReply(server.address(), false), locate("elsewhere"));
  }

  private LocateReply locate(String key) throws Exception {
    BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    try (Subscription request = bus.request(MessageBus.DATA_SERVERS, Json.quote(key),
        replies::add)) {
      Message reply = replies.poll(5, TimeUnit.SECONDS);
      return LocateReply.parse(reply.body());
    }
  }

  private long filesIn(String dir) throws Exception {
    try (Stream<Path> files = Files.list(root.resolve(dir))) {
      return files.count();
    }
  }

  private HttpResponse<String> put(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path))
        .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
