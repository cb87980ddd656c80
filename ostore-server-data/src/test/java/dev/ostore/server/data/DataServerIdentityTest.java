package dev.ostore.server.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.Json;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import dev.ostore.heartbeat.Heartbeat;
import dev.ostore.locate.LocateReply;
import dev.ostore.storage.ServerIdFile;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A data server's identity: kept in its root, announced, and named in its answers. */
@Timeout(30)
class DataServerIdentityTest {
  @TempDir
  Path root;
  final MessageBus bus = MessageBus.inMemory();
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void closeBus() {
    bus.close();
  }

  @Test
  void keepsItsIdAcrossRestarts() throws Exception {
    ServerId first;
    try (DataServer server = start()) {
      first = server.id();
    }
    assertTrue(Files.readString(root.resolve(ServerIdFile.FILE)).contains(first.hex()),
        "the id is in the root, where a restart finds it");
    try (DataServer again = start()) {
      assertEquals(first, again.id());
    }
  }

  @Test
  void anEmptiedRootIsANewServer() throws Exception {
    ServerId first;
    try (DataServer server = start()) {
      first = server.id();
    }
    wipe(root);
    try (DataServer again = start()) {
      assertNotEquals(first, again.id());
    }
  }

  @Test
  void aDamagedIdFileStopsTheStartRatherThanDisowningTheShards() throws Exception {
    start().close(); // writes the id
    Files.writeString(root.resolve(ServerIdFile.FILE), "id=not-hex\n");
    IOException refused = assertThrows(IOException.class, this::start);
    assertTrue(refused.getMessage().contains("is damaged"), refused.getMessage());
  }

  @Test
  void heartbeatsAndLocateRepliesCarryTheId() throws Exception {
    BlockingQueue<Message> heard = new LinkedBlockingQueue<>();
    try (Subscription listening = bus.subscribe(MessageBus.API_SERVERS, heard::add);
        DataServer server = start()) {
      Message beat = heard.poll(5, TimeUnit.SECONDS);
      Heartbeat heartbeat = Heartbeat.parse(beat == null ? "" : beat.body());
      assertEquals(server.address(), heartbeat.address());
      assertEquals(Optional.of(server.id()), heartbeat.id());

      BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
      try (Subscription request = bus.request(MessageBus.DATA_SERVERS,
          Json.quote("0".repeat(64)), replies::add)) {
        Message reply = replies.poll(5, TimeUnit.SECONDS);
        assertEquals(Optional.of(server.id()),
            LocateReply.parse(reply == null ? "" : reply.body()).serverId());
      }
    }
  }

  @Test
  void shardAnswersNameTheServer() throws Exception {
    try (DataServer server = start()) {
      HttpResponse<String> listing = get(server, "/shards/");
      assertEquals(200, listing.statusCode());
      assertEquals(Optional.of(server.id().hex()), listing.headers().firstValue("Server-Id"));
    }
  }

  private DataServer start() throws IOException {
    return DataServer.start(DataServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root),
        bus);
  }

  private HttpResponse<String> get(DataServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(server.address().baseUri().resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void wipe(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir)) {
          Files.delete(p);
        }
      }
    }
  }
}
