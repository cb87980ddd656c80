package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.server.data.DataServerMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers whose broker or metadata database refuses them for good, as an operator who mistyped a
 * password or forgot to create a schema meets them: one line saying so, and exit status 2, rather
 * than a server that starts and waits for something that will not come by itself.
 */
@Timeout(120)
class RefusedStartTest {

  @TempDir
  Path root;

  @Test
  void aDataServerWithWrongBrokerCredentialsSaysSoInOneLineAndExitsWithStatus2()
      throws Exception {
    Broker.requireRunning();
    try (ServerProcess data = ServerProcess.start(DataServerMain.class, List.of(), Map.of(
            "RABBITMQ_SERVER", "amqp://guest:not-the-password@127.0.0.1:5672",
            "LISTEN_ADDRESS", ServerProcess.ANY_PORT,
            "STORAGE_ROOT", root.resolve("data").toString()),
        List.of(), root.resolve("data.log"))) {
      assertEquals(2, data.awaitExit());
      assertOneLine(data.output(), "ostore-server-data: RabbitMQ broker 127.0.0.1:5672"
          + " refused user guest: ACCESS_REFUSED", "not-the-password");
    }
  }

  @Test
  void anApiServerWithWrongBrokerCredentialsSaysSoInOneLineAndExitsWithStatus2()
      throws Exception {
    Broker.requireRunning();
    try (ServerProcess api = startApiServer(Map.of(
        "RABBITMQ_SERVER", "amqp://guest:not-the-password@127.0.0.1:5672"))) {
      assertEquals(2, api.awaitExit());
      assertOneLine(api.output(), "ostore-server-api: RabbitMQ broker 127.0.0.1:5672"
          + " refused user guest: ACCESS_REFUSED", "not-the-password");
    }
  }

  @Test
  void anApiServerWhoseMetadataSchemaDoesNotExistSaysAnOperatorMustCreateIt() throws Exception {
    String schema = "ostore_missing_" + UUID.randomUUID().toString().replace("-", "");
    try (ServerProcess api = startApiServer(Map.of(
        "METADATA_URL", TestPostgres.SERVER + "&currentSchema=" + schema))) {
      assertEquals(2, api.awaitExit());
      assertOneLine(api.output(), "ostore-server-api: PostgreSQL schema " + schema
          + " does not exist: an operator must create it", "\tat ");
    }
  }

  private ServerProcess startApiServer(Map<String, String> env) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("LISTEN_ADDRESS", ServerProcess.ANY_PORT);
    all.put("STORAGE_ROOT", root.resolve("api").toString());
    return ServerProcess.start(ApiServerMain.class, List.of(), all, List.of(),
        root.resolve("api.log"));
  }

  /** The whole output is one line, which says {@code expected} and not {@code secret}. */
  private static void assertOneLine(String output, String expected, String secret) {
    assertEquals(1, output.lines().count(), output);
    assertTrue(output.contains(expected), output);
    assertFalse(output.contains(secret), output);
  }
}
