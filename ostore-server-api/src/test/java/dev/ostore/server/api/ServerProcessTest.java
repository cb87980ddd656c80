package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The harness that starts real servers for the tests, where a free port is taken meanwhile. */
@Timeout(120)
class ServerProcessTest {
  @TempDir
  Path root;

  @Test
  void aServerWhosePortIsTakenBeforeItBindsIsStartedOnAnother() throws Exception {
    List<Integer> tried = new ArrayList<>();
    try (ServerSocket thief = new ServerSocket()) {
      ServerProcess.Listening listening = ServerProcess.startOnFreePort(port -> {
        if (tried.isEmpty()) {
          // What another process's connection may do between the pick and the bind.
          thief.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
        tried.add(port);
        return ServerProcess.start(ApiServerMain.class, List.of(), Map.of(
                "LISTEN_ADDRESS", "127.0.0.1:" + port, "STORAGE_ROOT", root.toString(),
                "DATA_SERVERS", "1"),
            List.of(), ProcessCluster.LOGS.resolve("server-process-" + tried.size() + ".log"));
      }, Duration.ofSeconds(60));
      try (ServerProcess server = listening.server()) {
        assertEquals(2, tried.size(), "started again once");
        assertNotEquals(tried.get(0), listening.port());
        assertEquals(listening.port(), tried.get(1));
        Http http = new Http(URI.create("http://127.0.0.1:" + listening.port()));
        assertTrue(http.get("/health").statusCode() < 300);
      }
    }
  }
}
