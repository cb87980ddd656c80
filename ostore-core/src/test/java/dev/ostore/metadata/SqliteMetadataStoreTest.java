package dev.ostore.metadata;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.metrics.CacheStats;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Runs the {@link MetadataStoreContract} on SQLite files, plus what only a file shows. */
class SqliteMetadataStoreTest extends MetadataStoreContract {
  @TempDir
  Path dir;

  Path file() {
    return dir.resolve("var/ostore/metadata.db");
  }

  @Override
  MetadataStore newStore() throws Exception {
    return MetadataStore.embedded(file());
  }

  @Override
  MetadataStore newStore(InstantSource clock) throws Exception {
    return SqlMetadataStore.embedded(file(), Optional.empty(), clock);
  }

  @Override
  String newDatabase() {
    return JdbcUrls.sqlite(dir.resolve("another.db"));
  }

  @Test
  void embeddedCreatesTheFileAndItsParentDirectories() {
    assertTrue(Files.isRegularFile(file()));
  }

  @Test
  void openWithAnSqliteUrlReachesTheSameFileAndReadsItLocally() throws Exception {
    store.add("a", 5, HASH);
    try (MetadataStore same = MetadataStore.open("jdbc:sqlite:" + file())) {
      assertEquals(store.latest("a"), same.latest("a"));
      assertTrue(same.readsLocally());
    }
    assertTrue(store.readsLocally());
  }

  /**
   * The stores of one file in a process share one cache, and count its reads together; a version
   * added is in it, so the first read of it asks the file nothing.
   */
  @Test
  void storesOfOneFileCountTheReadsOfTheirSharedCacheOfLatestVersions() throws Exception {
    Version added = store.add("a", 5, HASH);
    assertEquals(Optional.of(added), store.latest("a"));
    try (MetadataStore same = MetadataStore.open("jdbc:sqlite:" + file())) {
      same.latest("a");
      same.latest("b");
      assertEquals(Optional.of(new CacheStats(2, 1, 2)), same.latestVersionsCache());
      assertEquals(same.latestVersionsCache(), store.latestVersionsCache());
    }
  }

  @Test
  void inlineContentKeptUnderSchemaVersion8IsReadAndKeptApartAfterTheMigration()
      throws Exception {
    Path old = dir.resolve("version-8.db");
    try (Connection connection = SqliteDialect.INSTANCE.connect(JdbcUrls.sqlite(old))) {
      InlineUnderVersion8.keep(connection, SqliteDialect.INSTANCE);
    }
    try (MetadataStore migrated = MetadataStore.embedded(old)) {
      InlineUnderVersion8.check(migrated);
    }
  }

  /**
   * Schema 10 drops the index of when contents were last touched, which SQLite's planner never
   * took for the collector's walk: a database of schema 9 loses it, and the walk still finds
   * the content no version refers to.
   */
  @Test
  void theMigrationToSchema10DropsTheIndexOfTouchedContentsAndTheWalkStillFindsThem()
      throws Exception {
    Path old = dir.resolve("version-9.db");
    try (Connection connection = SqliteDialect.INSTANCE.connect(JdbcUrls.sqlite(old))) {
      SchemaAt.migrate(connection, SqliteDialect.INSTANCE, 9);
      assertEquals(List.of("ostore_contents_touched", "ostore_uploads_expires",
          "ostore_versions_hash"), indexes(connection));
    }
    try (MetadataStore migrated = SqlMetadataStore.embedded(old, Optional.empty(), clock)) {
      migrated.recordLayout(OTHER, 6, LAYOUT);
      migrated.add("a", 5, HASH, LAYOUT);
      clock.advance(Duration.ofSeconds(1));
      assertEquals(List.of(new ContentEntry(OTHER, new ContentLayout(6, LAYOUT))),
          migrated.unreferenced(clock.instant(), Optional.empty(), 10));
    }
    try (Connection connection = SqliteDialect.INSTANCE.connect(JdbcUrls.sqlite(old))) {
      assertEquals(List.of("ostore_uploads_expires", "ostore_versions_hash"),
          indexes(connection));
    }
  }

  /** The names of ostore's own indexes in the database, in order. */
  private static List<String> indexes(Connection connection) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT name FROM sqlite_schema"
            + " WHERE type = 'index' AND name LIKE 'ostore%' ORDER BY name")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }

  /** A migration of the schema is one such transaction, as big as the tables it rewrites. */
  @Test
  void aBigTransactionLeavesNoLogOfItsSizeOnceTheNextWriteStartsTheLogOver() throws Exception {
    Path log = file().resolveSibling(file().getFileName() + "-wal");
    long limit = 64 << 20;
    try (Connection raw = SqliteDialect.INSTANCE.connect(JdbcUrls.sqlite(file()));
        Statement statement = raw.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
      statement.execute("CREATE TABLE big (bytes BLOB)");
      for (int i = 0; i < 80; i++) {
        statement.execute("INSERT INTO big VALUES (randomblob(1048576))");
      }
      statement.execute("COMMIT");
    }
    assertTrue(Files.size(log) > limit, "the log took the whole transaction");
    store.add("a", 5, HASH);
    assertTrue(Files.size(log) <= limit, Files.size(log) + " bytes of log kept");
  }

  @Test
  void theSchemaIsMigratedOnceHoweverOftenTheStoreStarts() throws Exception {
    newStore().close();
    newStore().close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT version FROM ostore_schema ORDER BY version")) {
      for (int version = 1; version <= SqliteDialect.INSTANCE.migrations().size(); version++) {
        assertTrue(rows.next());
        assertEquals(version, rows.getInt(1));
      }
      assertTrue(!rows.next(), "one row per migration applied");
    }
  }

  @Test
  void aSchemaNewerThanThisCodeIsRefused() throws Exception {
    store.close();
    execute("INSERT INTO ostore_schema (version, applied_millis) VALUES (99, 0)");
    IllegalStateException e = assertThrows(IllegalStateException.class, this::newStore);
    assertEquals("the metadata schema is at version 99, newer than this ostore knows ("
            + SqliteDialect.INSTANCE.migrations().size() + "):"
        + " upgrade ostore", e.getMessage());
  }

  @Test
  void aFileThatCannotBeCreatedIsMetadataUnavailable() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("plain"), "x");
    OstoreException e = assertThrows(OstoreException.class,
        () -> MetadataStore.embedded(notADirectory.resolve("metadata.db")));
    assertEquals(ErrorCode.METADATA_UNAVAILABLE, e.code());
  }

  @Test
  @Timeout(30)
  void versionsReachTheDatabaseFileBesideItsLog() throws Exception {
    // Twice as many commits as a checkpoint waits for, since the schema's took some of the first.
    for (int i = 0; i < 2 * WalCheckpointer.COMMITS_PER_CHECKPOINT; i++) {
      store.add("name-" + i, 5, HASH);
    }
    // Not a commit's own checkpoint: those wait for ten thousand pages of log.
    WalCheckpointerTest.awaitRowsInFile(file(), "ostore_versions",
        WalCheckpointer.COMMITS_PER_CHECKPOINT);
  }

  @Test
  void aDatabaseThatFailsUnderneathIsMetadataUnavailable() throws Exception {
    execute("DROP TABLE ostore_versions");
    OstoreException e = assertThrows(OstoreException.class, () -> store.latest("a"));
    assertEquals(ErrorCode.METADATA_UNAVAILABLE, e.code());
    assertEquals("metadata store failed to read the latest version of a", e.getMessage());
    assertTrue(e.getCause().getMessage().contains("no such table: ostore_versions"),
        "the driver's message is left for the log: " + e.getCause());
  }

  @Test
  @Timeout(60)
  void aFileOpenInAnotherProcessIsRefusedSayingWhatToDo() throws Exception {
    store.close();
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
        file().toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
          UTF_8));
      assertEquals("open", out.readLine());
      Path file = dir.toRealPath().resolve("var/ostore/metadata.db");
      for (Executable open : List.<Executable>of(() -> MetadataStore.embedded(file()),
          () -> MetadataStore.open("jdbc:sqlite:" + file()))) {
        OstoreException e = assertThrows(OstoreException.class, open);
        assertEquals(ErrorCode.METADATA_UNAVAILABLE, e.code());
        assertEquals("metadata store " + file + " is open in another process (it holds "
            + file + ".ostore-lock): an SQLite file serves one api server; api servers that"
            + " share their metadata use PostgreSQL", e.getMessage());
      }
    } finally {
      holder.destroyForcibly().waitFor();
    }
    // kill -9 runs no code in the holder: the operating system released its lock.
    store = newStore();
    assertEquals(Optional.empty(), store.latest("a"));
  }

  /** Holds the store of the file it is given open until killed. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      MetadataStore.embedded(Path.of(args[0]));
      System.out.println("open");
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
