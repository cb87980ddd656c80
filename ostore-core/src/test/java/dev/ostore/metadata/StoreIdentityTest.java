package dev.ostore.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.TcpProxy;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Which store a metadata database belongs to, on SQLite and on the test PostgreSQL. */
@Timeout(60)
class StoreIdentityTest {
  private static final String CLUSTER_REFUSAL = "belongs to a one-command store, whose content"
      + " is in its STORAGE_ROOT, not on the data servers of a cluster: serve it by running"
      + " ostore-server-api without RABBITMQ_SERVER, or give this api server another"
      + " STORAGE_ROOT or METADATA_URL";
  private static final String LOCAL_REFUSAL = "belongs to a cluster, whose content is on its"
      + " data servers, not in this STORAGE_ROOT: serve it by running ostore-server-api with"
      + " that cluster's RABBITMQ_SERVER, or give this store another STORAGE_ROOT or"
      + " METADATA_URL";

  @TempDir
  Path dir;
  final List<String> schemas = new ArrayList<>();

  @AfterEach
  void dropSchemas() throws SQLException {
    for (String schema : schemas) {
      PostgresMetadataStoreTest.admin("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void aClusterApiServerRefusesTheMetadataOfAOneCommandStore() throws Exception {
    Path file = dir.resolve("metadata.db");
    MetadataStore.embedded(file, StoreIdentity.local("store-a")).close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> MetadataStore.embedded(file, StoreIdentity.cluster()));
    assertEquals("the metadata in jdbc:sqlite:" + file + " " + CLUSTER_REFUSAL, e.getMessage());
  }

  @Test
  void aOneCommandStoreRefusesTheMetadataOfAClusterAndOfAnotherStore() throws Exception {
    Path file = dir.resolve("metadata.db");
    MetadataStore.embedded(file, StoreIdentity.cluster()).close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> MetadataStore.embedded(file, StoreIdentity.local("store-a")));
    assertEquals("the metadata in jdbc:sqlite:" + file + " " + LOCAL_REFUSAL, e.getMessage());

    Path other = dir.resolve("other.db");
    MetadataStore.embedded(other, StoreIdentity.local("store-a")).close();
    e = assertThrows(IllegalStateException.class,
        () -> MetadataStore.embedded(other, StoreIdentity.local("store-b")));
    assertEquals("the metadata in jdbc:sqlite:" + other + " belongs to another one-command store"
        + " (store-a), not to the one in this STORAGE_ROOT (store-b): give this store the"
        + " STORAGE_ROOT it was created in, or another METADATA_URL", e.getMessage());
    MetadataStore.embedded(other, StoreIdentity.local("store-a")).close();
  }

  @Test
  void apiServersStartingTogetherOnANewDatabaseShareItAsOneCluster() throws Exception {
    String schema = newSchema();
    CountDownLatch allReady = new CountDownLatch(6);
    List<MetadataStore> started = MetadataStoreContract.inParallel(6, worker -> {
      allReady.countDown();
      allReady.await();
      return List.of(MetadataStore.open(url(schema), StoreIdentity.cluster()));
    });
    started.forEach(MetadataStore::close);
    try (Connection c = DriverManager.getConnection(PostgresMetadataStoreTest.SERVER);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT count(*), min(kind) FROM " + schema
            + ".ostore_store")) {
      assertTrue(rows.next());
      assertEquals(1, rows.getInt(1));
      assertEquals("cluster", rows.getString(2));
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> MetadataStore.open(url(schema), StoreIdentity.local("store-a")));
    assertEquals("the metadata in " + url(schema) + " " + LOCAL_REFUSAL, e.getMessage());
  }

  @Test
  void aStoreStartedWhileItsDatabaseWasDownRefusesItOnceReached() throws Exception {
    String schema = newSchema();
    MetadataStore.open(url(schema), StoreIdentity.local("store-a")).close();
    try (TcpProxy server = TcpProxy.startCut(new InetSocketAddress("127.0.0.1", 5432))) {
      String viaProxy = "jdbc:postgresql://127.0.0.1:" + server.port() + "/test?user=postgres"
          + "&currentSchema=" + schema;
      try (MetadataStore waiting = MetadataStore.open(viaProxy, StoreIdentity.cluster())) {
        server.restore();
        OstoreException e = assertThrows(OstoreException.class, () -> waiting.latest("a"));
        assertEquals(ErrorCode.METADATA_UNAVAILABLE, e.code());
        assertEquals("the metadata in " + viaProxy + " " + CLUSTER_REFUSAL, e.getMessage());
      }
    }
  }

  private String newSchema() throws SQLException {
    String schema = "ostore_test_" + UUID.randomUUID().toString().replace("-", "");
    PostgresMetadataStoreTest.admin("CREATE SCHEMA " + schema);
    schemas.add(schema);
    return schema;
  }

  private static String url(String schema) {
    return PostgresMetadataStoreTest.SERVER + "&currentSchema=" + schema;
  }
}
