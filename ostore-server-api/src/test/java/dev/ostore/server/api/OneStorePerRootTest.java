package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.server.data.DataServer;
import dev.ostore.server.data.DataServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code STORAGE_ROOT} belongs to one running server, and its metadata to one store: what an
 * operator sees starting a second store on a root, a cluster's api server on a one-command store's
 * metadata, or a store with another number of data servers.
 */
@Timeout(180)
class OneStorePerRootTest {
  static final Path LOGS = Path.of("target", "server-logs");

  @TempDir
  Path root;
  @TempDir
  Path work;

  @Test
  void aSecondStoreOnARootInUseRefusesToStartUntilTheFirstIsKilled() throws Exception {
    ServerProcess.Listening started = startStore("first");
    try (ServerProcess first = started.server()) {
      Http http = new Http(started.uri());
      assertEquals(200, http.put("/objects/a", "stored by the first").statusCode());
      ServerProcess.Exited second = runStore("--listen-address", ServerProcess.ANY_PORT);
      assertEquals("ostore-server-api: the storage root " + root + " is in use by another"
          + " ostore server (process " + first.pid() + ")\n", second.stderr());
      assertEquals(2, second.status());
      assertEquals("stored by the first", http.get("/objects/a").body());
      first.kill();
    }
    // kill -9 ran none of its code: the operating system released its lock.
    started = startStore("third");
    try (ServerProcess third = started.server()) {
      assertEquals("stored by the first", new Http(started.uri()).get("/objects/a").body());
    }
  }

  @Test
  void aRootInUseInThisProcessIsRefusedToo() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(root, 1);
        MessageBus bus = MessageBus.inMemory()) {
      IOException twice = assertThrows(IOException.class, () -> LocalCluster.start(root, 1));
      assertEquals("the storage root " + root + " is in use by another ostore server in this"
          + " process", twice.getMessage());
      IOException apiTwice = assertThrows(IOException.class, () -> ApiServer.start(
          ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root, 1), bus,
          InstantSource.system()));
      assertEquals(twice.getMessage(), apiTwice.getMessage());
      Path data = root.resolve("data-1");
      IOException dataTwice = assertThrows(IOException.class, () -> DataServer.start(
          DataServerConfig.embedded(new ServerAddress("127.0.0.1", 0), data), bus));
      assertEquals("the storage root " + data + " is in use by another ostore server in this"
          + " process", dataTwice.getMessage());
    }
  }

  @Test
  void aClusterApiServerRefusesTheMetadataOfAOneCommandStore() throws Exception {
    try (LocalCluster store = LocalCluster.start(root)) {
      assertEquals(200, new Http(store.uri()).put("/objects/a", "bytes").statusCode());
    }
    Broker.requireRunning();
    try (Broker.VirtualHost vhost = new Broker.VirtualHost()) {
      ServerProcess.Exited api = ServerProcess.run(ApiServerMain.class, work,
          Map.of("RABBITMQ_SERVER", vhost.uri()),
          List.of("--storage-root", root.toString(), "--listen-address", ServerProcess.ANY_PORT));
      List<String> lines = api.stderr().lines().toList();
      assertEquals("ostore-server-api: the metadata in jdbc:sqlite:" + root.resolve("metadata.db")
          + " belongs to a one-command store, whose content is in its STORAGE_ROOT, not on the"
          + " data servers of a cluster: serve it by running ostore-server-api without"
          + " RABBITMQ_SERVER, or give this api server another STORAGE_ROOT or METADATA_URL",
          lines.get(lines.size() - 1));
      assertEquals(2, api.status());
    }
  }

  @Test
  void aOneCommandStoreRefusesTheMetadataOfACluster() throws Exception {
    try (MessageBus bus = MessageBus.inMemory();
        ApiServer api = ApiServer.start(ApiServerConfig.embedded(
            new ServerAddress("127.0.0.1", 0), root, 1), bus, InstantSource.system())) {
      // With no data server, a PUT of small content is still stored, in the metadata store.
      assertEquals(200, new Http(api.address().baseUri()).put("/objects/a", "x").statusCode());
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> LocalCluster.start(root));
    assertEquals("the metadata in jdbc:sqlite:" + root.resolve("metadata.db") + " belongs to a"
        + " cluster, whose content is on its data servers, not in this STORAGE_ROOT: serve it by"
        + " running ostore-server-api with that cluster's RABBITMQ_SERVER, or give this store"
        + " another STORAGE_ROOT or METADATA_URL", e.getMessage());
    assertTrue(Files.notExists(root.resolve("data-1")), "no data server was started");
  }

  @Test
  void aStoreRunsTheDataServersItWasCreatedWithAndRefusesAnotherNumber() throws Exception {
    LocalCluster.start(root, 3).close();
    ServerProcess.Exited fewer = runStore("--data-servers", "1",
        "--listen-address", ServerProcess.ANY_PORT);
    assertEquals("ostore-server-api: the store in " + root + " has 3 data servers, not 1"
        + " (DATA_SERVERS): its content is spread over them, so it runs them all; start it"
        + " without DATA_SERVERS, or give a store of 1 another STORAGE_ROOT\n", fewer.stderr());
    assertEquals(2, fewer.status());
    try (LocalCluster again = LocalCluster.start(root)) {
      assertEquals(3, again.dataServerAddresses().size());
    }
  }

  @Test
  void aRootFilledByAnEarlierOstoreKeepsAllItsDataServers() throws Exception {
    for (int i = 1; i <= 5; i++) {
      Files.createDirectories(root.resolve("data-" + i).resolve("objects"));
    }
    try (LocalCluster store = LocalCluster.start(root)) {
      assertEquals(5, store.dataServerAddresses().size());
    }
    assertThrows(IllegalArgumentException.class, () -> LocalCluster.start(root, 3));
  }

  private ServerProcess.Listening startStore(String name) throws Exception {
    return ServerProcess.startOnFreePort(port -> ServerProcess.start(ApiServerMain.class,
        List.of(), Map.of(),
        List.of("--listen-address", "127.0.0.1:" + port, "--storage-root", root.toString()),
        LOGS.resolve("one-store-per-root-" + name + ".log")), Duration.ofSeconds(30));
  }

  private ServerProcess.Exited runStore(String... args) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of("--storage-root", root.toString()));
    all.addAll(List.of(args));
    return ServerProcess.run(ApiServerMain.class, work, Map.of(), all);
  }
}
