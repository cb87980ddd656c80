package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ostore.metadata.MetadataStore;
import dev.ostore.server.data.DataServerMain;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each server run as an operator runs it, with a setting or a machine that cannot work: it exits
 * with status 2 and one line on stderr naming the cause, and leaves nothing on disk.
 */
@Timeout(120)
class StartUpFailuresTest {
  private static final String BROKER = "amqp://guest:guest@127.0.0.1:5672";

  @TempDir
  Path work;

  @Test
  void aPortInUseIsNamedInOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      String address = "127.0.0.1:" + taken.getLocalPort();
      assertRefused(ApiServerMain.class, "ostore-server-api: " + address
          + " is in use by another process", "--listen-address", address);
      assertRefused(DataServerMain.class, "ostore-server-data: " + address
          + " is in use by another process", "--listen-address", address,
          "--storage-root", "data", "--rabbitmq-server", BROKER);
    }
  }

  @Test
  void aMetadataUrlOfAnotherDatabaseIsNamedInOneLine() throws Exception {
    assertRefused(ApiServerMain.class, "ostore-server-api: METADATA_URL (--metadata-url): not a"
        + " jdbc:postgresql: or jdbc:sqlite: URL: jdbc:mysql://db/ostore?user=u&password=****"
        + " (see --help)", "--metadata-url", "jdbc:mysql://db/ostore?user=u&password=secret");
  }

  /** The one-command store locks its root before it opens the metadata: the root goes again. */
  @Test
  void anSqliteFileThatAnotherProcessHoldsIsNamedInOneLine(@TempDir Path elsewhere)
      throws Exception {
    Path file = elsewhere.resolve("metadata.db");
    try (MetadataStore held = MetadataStore.open("jdbc:sqlite:" + file)) {
      assertRefused(ApiServerMain.class, "ostore-server-api: metadata store " + file
          + " is open in another process (it holds " + file + ".ostore-lock): an SQLite file"
          + " serves one api server; api servers that share their metadata use PostgreSQL",
          "--metadata-url", "jdbc:sqlite:" + file, "--storage-root", "store/root",
          "--listen-address", ServerProcess.ANY_PORT);
    }
  }

  @Test
  void aBrokerUriThatIsNotAmqpIsNamedInOneLine() throws Exception {
    String refusal = "RABBITMQ_SERVER (--rabbitmq-server) is not an amqp:// or amqps:// URI"
        + " with a host: http://x (see --help)";
    assertRefused(ApiServerMain.class, "ostore-server-api: " + refusal,
        "--rabbitmq-server", "http://x", "--listen-address", ServerProcess.ANY_PORT);
    assertRefused(DataServerMain.class, "ostore-server-data: " + refusal,
        "--rabbitmq-server", "http://x", "--listen-address", ServerProcess.ANY_PORT,
        "--storage-root", "data");
  }

  @Test
  void aStorageRootThatCannotBeCreatedIsNamedInOneLine() throws Exception {
    String refusal = "cannot create the storage root /proc/nope: No such file or directory";
    assertRefused(ApiServerMain.class, "ostore-server-api: " + refusal,
        "--storage-root", "/proc/nope", "--listen-address", ServerProcess.ANY_PORT);
    assertRefused(DataServerMain.class, "ostore-server-data: " + refusal,
        "--storage-root", "/proc/nope", "--listen-address", ServerProcess.ANY_PORT,
        "--rabbitmq-server", BROKER);
  }

  @Test
  void aListenAddressOfAnUnknownHostIsNamedInOneLine() throws Exception {
    String refusal = "LISTEN_ADDRESS (--listen-address) names an unknown host: 999.1.1.1"
        + " (see --help)";
    assertRefused(ApiServerMain.class, "ostore-server-api: " + refusal,
        "--listen-address", "999.1.1.1:8095");
    assertRefused(DataServerMain.class, "ostore-server-data: " + refusal,
        "--listen-address", "999.1.1.1:8095", "--storage-root", "data",
        "--rabbitmq-server", BROKER);
  }

  /** Runs {@code main} in an empty directory, which must stay empty. */
  private void assertRefused(Class<?> main, String line, String... args) throws Exception {
    ServerProcess.Exited exited = ServerProcess.run(main, work, Map.of(), List.of(args));
    assertEquals(line + "\n", exited.stderr());
    assertEquals("", exited.stdout());
    assertEquals(2, exited.status());
    assertEquals(List.of(), new ArrayList<>(List.of(Files.list(work).toArray())));
  }
}
