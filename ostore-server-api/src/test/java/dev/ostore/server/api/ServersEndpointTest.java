package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.bus.MessageBus;
import dev.ostore.heartbeat.Heartbeat;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /servers}: the live data servers, with the id of each that sends one. */
@Timeout(30)
class ServersEndpointTest {
  @TempDir
  Path root;
  MessageBus bus;
  ApiServer api;
  Http http;

  @BeforeEach
  void startApiServer() throws Exception {
    bus = MessageBus.inMemory();
    api = ApiServer.start(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root, 1),
        bus, InstantSource.system());
    http = new Http(api.address().baseUri());
  }

  @AfterEach
  void stop() {
    api.close();
    bus.close();
  }

  @Test
  void listsOstoreServersWithTheirIdsAndReferenceServersByAddress() throws Exception {
    ServerId id = ServerId.parse("0123456789abcdef0123456789abcdef");
    bus.publish(MessageBus.API_SERVERS,
        new Heartbeat(new ServerAddress("127.0.0.1", 9002), id).toJson());
    bus.publish(MessageBus.API_SERVERS,
        new Heartbeat(new ServerAddress("127.0.0.1", 9001), Optional.empty()).toJson());
    String expected = "[\"127.0.0.1:9001\",{\"Addr\":\"127.0.0.1:9002\",\"Id\":\"" + id
        + "\"}]\n";
    long deadline = System.nanoTime() + 5_000_000_000L;
    HttpResponse<String> servers;
    while (!(servers = http.get("/servers")).body().equals(expected)) {
      assertTrue(System.nanoTime() < deadline, "GET /servers said " + servers.body());
      Thread.sleep(10);
    }
    assertEquals("application/json", servers.headers().firstValue("Content-Type").orElse(""));
  }
}
