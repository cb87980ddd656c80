package dev.ostore.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.TcpProxy;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the {@link MetadataStoreContract} on the test PostgreSQL, plus what only a shared server
 * shows: several stores (api servers) on one database, and connections the server ends. Each test
 * works in a schema of its own, dropped afterwards. Fails, never skips, when PostgreSQL is down.
 */
class PostgresMetadataStoreTest extends MetadataStoreContract {
  static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  final List<String> schemas = new ArrayList<>();
  final List<MetadataStore> opened = new ArrayList<>();

  /** A store in this test's first schema; its connections are named after the schema too. */
  @Override
  MetadataStore newStore() throws Exception {
    if (schemas.isEmpty()) {
      newSchema();
    }
    return open(schemas.get(0));
  }

  @Override
  MetadataStore newStore(InstantSource clock) throws Exception {
    if (schemas.isEmpty()) {
      newSchema();
    }
    MetadataStore store = SqlMetadataStore.open(url(schemas.get(0)), Optional.empty(), clock);
    opened.add(store);
    return store;
  }

  @Override
  String newDatabase() throws SQLException {
    return url(newSchema());
  }

  MetadataStore open(String schema) throws Exception {
    MetadataStore store = MetadataStore.open(url(schema));
    opened.add(store);
    return store;
  }

  static String url(String schema) {
    return SERVER + "&currentSchema=" + schema + "&ApplicationName=" + schema;
  }

  String newSchema() throws SQLException {
    String schema = "ostore_test_" + UUID.randomUUID().toString().replace("-", "");
    admin("CREATE SCHEMA " + schema);
    schemas.add(schema);
    return schema;
  }

  @AfterEach
  void dropSchemas() throws SQLException {
    opened.forEach(MetadataStore::close);
    for (String schema : schemas) {
      admin("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void aDatabaseServerIsNotReadLocallyNorItsLatestVersionsKept() {
    assertFalse(store.readsLocally());
    assertEquals(Optional.empty(), store.latestVersionsCache());
  }

  @Test
  void inlineContentKeptUnderSchemaVersion8IsReadAndKeptApartAfterTheMigration()
      throws Exception {
    String schema = newSchema();
    try (Connection connection = PostgresDialect.INSTANCE.connect(url(schema))) {
      InlineUnderVersion8.keep(connection, PostgresDialect.INSTANCE);
    }
    try (MetadataStore migrated = open(schema)) {
      InlineUnderVersion8.check(migrated);
    }
  }

  @Test
  void twoStoresOnOneDatabaseSeeEachOthersWrites() throws Exception {
    try (MetadataStore other = newStore()) {
      store.add("a", 5, HASH);
      assertEquals(store.latest("a"), other.latest("a"));
      assertEquals(2, other.delete("a").tombstone().orElseThrow().number());
      assertTrue(store.latest("a").orElseThrow().isTombstone());
      assertEquals(Optional.of(2L), store.delete("a").tombstone().map(Version::number));
      assertEquals(List.of("a#1", "a#2"), ids(store.allVersions("", Optional.empty(), 10)
          .versions()));
    }
  }

  /**
   * A look-up by hash, prepared and run while its table (shaped as the versions') was empty,
   * still uses the index once the table has grown: no plan made for the empty table is kept.
   */
  @Test
  void aLookUpPreparedOnAnEmptyTableUsesTheIndexOnceTheTableGrew() throws Exception {
    String schema = newSchema();
    try (Connection connection = PostgresDialect.INSTANCE.connect(url(schema));
        Statement statement = connection.createStatement();
        PreparedStatement lookUp = connection.prepareStatement(
            "SELECT 1 FROM keyed WHERE hash = ? LIMIT 1")) {
      statement.execute("CREATE TABLE keyed (name TEXT NOT NULL, version BIGINT NOT NULL,"
          + " hash BYTEA, PRIMARY KEY (name, version))");
      statement.execute("CREATE INDEX keyed_hash ON keyed (hash)");
      lookUp.setBytes(1, new byte[] {1});
      for (int i = 0; i < 20; i++) { // past the driver's and the server's thresholds for reuse
        try (ResultSet none = lookUp.executeQuery()) {
          assertFalse(none.next());
        }
      }
      statement.execute("INSERT INTO keyed SELECT 'n' || i, 1,"
          + " decode(lpad(to_hex(i), 64, '0'), 'hex') FROM generate_series(1, 20000) i");
      connection.setAutoCommit(false); // no statistics are flushed within a transaction
      long before = indexScans(statement);
      try (ResultSet none = lookUp.executeQuery()) {
        assertFalse(none.next());
      }
      assertEquals(1, indexScans(statement) - before, "index scans of the look-up");
      connection.rollback();
    }
  }

  /** The scans of index keyed_hash this connection made and has not yet reported. */
  private static long indexScans(Statement statement) throws SQLException {
    try (ResultSet scans = statement.executeQuery(
        "SELECT pg_stat_get_xact_numscans('keyed_hash'::regclass)")) {
      assertTrue(scans.next());
      return scans.getLong(1);
    }
  }

  /**
   * What we guarantee: once the server has ended the connections (an administrator, or a
   * restart that is over), no call fails. A call that finds its connection dead before
   * committing anything runs again on a new one.
   */
  @Test
  void noCallFailsAfterTheServerEndsEveryConnection() throws Exception {
    store.add("a", 1, HASH);
    fillThePool();
    assertTrue(terminateConnections(schemas.get(0)) >= 1, "the store had connections to end");
    for (int i = 2; i <= 11; i++) {
      assertEquals(i, store.add("a", i, HASH).number());
      assertEquals(i, store.latest("a").orElseThrow().number());
      assertEquals(i, store.allVersions("a", Optional.empty(), 100).versions().size());
    }
    fillThePool();
    assertTrue(terminateConnections(schemas.get(0)) >= 1);
    List<Long> numbers = inParallel(8, worker -> {
      List<Long> got = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        got.add(store.add("a", i, HASH).number());
      }
      return got;
    });
    assertEquals(LongStream.rangeClosed(12, 91).boxed().collect(Collectors.toList()),
        numbers.stream().sorted().collect(Collectors.toList()));
  }

  /** Eight readers at once, so that the pool likely holds several connections. */
  void fillThePool() throws Exception {
    inParallel(8, worker -> {
      for (int i = 0; i < 20; i++) {
        store.latest("a");
      }
      return List.of();
    });
  }

  @Test
  void storesStartingAtOnceOnANewDatabaseAllStart() throws Exception {
    String schema = newSchema();
    CountDownLatch allReady = new CountDownLatch(6);
    List<MetadataStore> started = inParallel(6, worker -> {
      allReady.countDown();
      allReady.await();
      return List.of(open(schema));
    });
    assertEquals(6, started.size());
    try (Connection c = DriverManager.getConnection(SERVER);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT version FROM " + schema
            + ".ostore_schema ORDER BY version")) {
      for (int version = 1; version <= PostgresDialect.INSTANCE.migrations().size(); version++) {
        assertTrue(rows.next());
        assertEquals(version, rows.getInt(1));
      }
      assertFalse(rows.next(), "one row per migration applied");
    }
  }

  @Test
  void aStoreOpenedWhileItsServerIsDownAnswersUnavailableThenRecoversByItself()
      throws Exception {
    String schema = newSchema();
    try (TcpProxy server = TcpProxy.startCut(new InetSocketAddress("127.0.0.1", 5432));
        MetadataStore waiting = MetadataStore.open("jdbc:postgresql://127.0.0.1:" + server.port()
            + "/test?user=postgres&password=secret&currentSchema=" + schema)) {
      OstoreException e = assertThrows(OstoreException.class, () -> waiting.latest("a"));
      assertEquals(ErrorCode.METADATA_UNAVAILABLE, e.code());
      assertEquals("metadata store unavailable", e.getMessage());

      server.restore();
      assertEquals(1, waiting.add("a", 5, HASH).number());
      assertEquals(Optional.of(1L), waiting.latest("a").map(Version::number));
    }
    try (Connection c = DriverManager.getConnection(SERVER);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT count(*) FROM " + schema + ".ostore_versions")) {
      assertTrue(rows.next());
      assertEquals(1, rows.getInt(1), "the schema was created once the server answered");
    }
  }

  @Test
  void aNewerSchemaFoundAfterAWaitedStartIsUnavailableWithTheReason() throws Exception {
    String schema = newSchema();
    open(schema).close(); // creates the schema at the newest version this ostore knows
    int newer = PostgresDialect.INSTANCE.migrations().size() + 1;
    admin("INSERT INTO " + schema + ".ostore_schema (version, applied_millis) VALUES ("
        + newer + ", 0)");
    try (TcpProxy server = TcpProxy.startCut(new InetSocketAddress("127.0.0.1", 5432));
        MetadataStore waiting = MetadataStore.open("jdbc:postgresql://127.0.0.1:" + server.port()
            + "/test?user=postgres&currentSchema=" + schema)) {
      server.restore();
      for (int call = 0; call < 2; call++) {
        OstoreException e = assertThrows(OstoreException.class, () -> waiting.latest("a"));
        assertEquals(ErrorCode.METADATA_UNAVAILABLE, e.code());
        assertEquals("the metadata schema is at version " + newer + ", newer than this ostore"
            + " knows ("
            + PostgresDialect.INSTANCE.migrations().size() + "):"
            + " upgrade ostore", e.getMessage());
      }
    }
  }

  /** Ends every connection of the stores on {@code schema}; waits until they are gone. */
  static int terminateConnections(String schema) throws Exception {
    int ended;
    try (Connection c = DriverManager.getConnection(SERVER);
        PreparedStatement terminate = c.prepareStatement("SELECT count(pg_terminate_backend(pid))"
            + " FROM pg_stat_activity WHERE application_name = ?");
        PreparedStatement count = c.prepareStatement(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
      terminate.setString(1, schema);
      count.setString(1, schema);
      ended = single(terminate);
      while (single(count) > 0) {
        Thread.sleep(10);
      }
    }
    return ended;
  }

  static int single(PreparedStatement query) throws SQLException {
    try (ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getInt(1);
    }
  }

  static void admin(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(SERVER);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
