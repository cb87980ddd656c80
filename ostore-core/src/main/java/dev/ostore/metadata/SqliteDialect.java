package dev.ostore.metadata;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * SQLite through sqlite-jdbc, for the embedded store. The database is in WAL mode, so readers
 * never wait for the writer; writes begin IMMEDIATE, taking the write lock before reading, so two
 * writers (say, two processes on one file) queue on the busy timeout instead of failing with
 * SQLITE_BUSY when one upgrades a read to a write. Commits are synchronous (FULL): a version the
 * caller was told about survives a power cut, as the object's bytes do.
 */
final class SqliteDialect implements Dialect {
  static final SqliteDialect INSTANCE = new SqliteDialect();

  private static final Driver DRIVER = new org.sqlite.JDBC();
  private static final int BUSY_TIMEOUT_MILLIS = 10_000;
  /**
   * The log's size, in pages, at which a commit checkpoints it itself: ten times SQLite's own
   * limit, reached only while the {@link WalCheckpointer} falls behind (40 MB of 4 KiB pages).
   */
  private static final int WRITER_CHECKPOINT_PAGES = 10_000;
  /**
   * The bytes of log file kept once a checkpoint has emptied it: a big transaction (a migration
   * of the schema, say) no longer leaves a log of its size on disk until the store stops.
   */
  private static final long LOG_BYTES_KEPT = 64L << 20;

  private static final List<String> VERSION_1 = List.of(
      """
      CREATE TABLE ostore_names (
        name TEXT PRIMARY KEY,
        latest INTEGER NOT NULL,
        live INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID""",
      """
      CREATE TABLE ostore_versions (
        name TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        size INTEGER NOT NULL CHECK (size >= 0),
        hash BLOB CHECK (hash IS NOT NULL OR size = 0),
        created_millis INTEGER NOT NULL,
        PRIMARY KEY (name, version)
      ) STRICT, WITHOUT ROWID""",
      "CREATE INDEX ostore_versions_hash ON ostore_versions (hash)");
  /** Which store the database belongs to: see {@link Ownership}. */
  private static final List<String> VERSION_2 = List.of(
      """
      CREATE TABLE ostore_store (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('local', 'cluster')),
        created_millis INTEGER NOT NULL
      ) STRICT""");

  /** The table of contents: how each content is laid out on the data servers. */
  private static final List<String> VERSION_3 = List.of(
      """
      CREATE TABLE ostore_contents (
        hash BLOB PRIMARY KEY,
        size INTEGER NOT NULL CHECK (size >= 0),
        layout TEXT NOT NULL,
        created_millis INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID""");

  /** Leases: one holder at a time of a cluster-wide task, such as the repair service. */
  private static final List<String> VERSION_4 = List.of(
      """
      CREATE TABLE ostore_leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_millis INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID""");

  /**
   * Resumable uploads, one row each (see {@link UploadRecord}), and secrets the cluster's api
   * servers share, such as the key that signs upload tokens.
   */
  private static final List<String> VERSION_5 = List.of(
      """
      CREATE TABLE ostore_uploads (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size >= 0),
        declared BLOB,
        layout TEXT NOT NULL,
        servers TEXT NOT NULL,
        server_ids TEXT NOT NULL,
        expires_millis INTEGER NOT NULL,
        stripes INTEGER NOT NULL CHECK (stripes >= 0),
        tail BLOB NOT NULL,
        failed TEXT NOT NULL,
        created_millis INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID""",
      "CREATE INDEX ostore_uploads_expires ON ostore_uploads (expires_millis)",
      """
      CREATE TABLE ostore_secrets (
        name TEXT PRIMARY KEY,
        secret BLOB NOT NULL,
        created_millis INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID""");

  /**
   * Version removal and garbage collection. {@code highest} is the highest number a name ever
   * gave out, so that removing its newest version never frees that number for reuse; {@code
   * latest} stays the newest version there is (0 when none is left). A content's {@code
   * touched_millis} is when a version last came or went with it, {@code condemned_millis} when a
   * collection marked it (see {@link MetadataStore#condemn}). SQLite adds a NOT NULL column only
   * with a default; every statement sets it, and existing rows take their creation time.
   */
  private static final List<String> VERSION_6 = List.of(
      "ALTER TABLE ostore_names ADD COLUMN highest INTEGER NOT NULL DEFAULT 0",
      "UPDATE ostore_names SET highest = latest",
      "ALTER TABLE ostore_contents ADD COLUMN touched_millis INTEGER NOT NULL DEFAULT 0",
      "UPDATE ostore_contents SET touched_millis = created_millis",
      "ALTER TABLE ostore_contents ADD COLUMN condemned_millis INTEGER",
      "CREATE INDEX ostore_contents_touched ON ostore_contents (touched_millis)");

  /**
   * Resumable uploads of content stored compressed: where the compressor stood after the bytes
   * held ({@link dev.ostore.compress.CompressorState}); null for uploads stored as they come,
   * as every upload of an earlier release is.
   */
  private static final List<String> VERSION_7 = List.of(
      "ALTER TABLE ostore_uploads ADD COLUMN compressor BLOB");

  /**
   * The stored bytes of small content kept in the metadata store rather than on data servers
   * ({@link ContentLayout#INLINE}): a table of its own, so that walks over the table of contents
   * do not read them; with a row id, since a {@code WITHOUT ROWID} table keeps its rows in its
   * index's pages, where large ones fit badly.
   */
  private static final List<String> VERSION_8 = List.of(
      """
      CREATE TABLE ostore_inline (
        hash BLOB PRIMARY KEY,
        content BLOB NOT NULL
      ) STRICT""");

  /**
   * Inline content found by a number its row in the table of contents holds, not by its hash:
   * an index ordered by hash put every small PUT's commit on a page of its own, at a place the
   * hash picks, which the next checkpoint wrote again (benchmarks.md, section 59). Each content's
   * number is its old row id.
   */
  private static final List<String> VERSION_9 = List.of(
      "ALTER TABLE ostore_contents ADD COLUMN inline_id INTEGER",
      """
      UPDATE ostore_contents SET inline_id =
        (SELECT i.rowid FROM ostore_inline i WHERE i.hash = ostore_contents.hash)""",
      """
      CREATE TABLE ostore_inline_by_id (
        id INTEGER PRIMARY KEY,
        content BLOB NOT NULL
      ) STRICT""",
      "INSERT INTO ostore_inline_by_id (id, content) SELECT rowid, content FROM ostore_inline",
      "DROP TABLE ostore_inline",
      "ALTER TABLE ostore_inline_by_id RENAME TO ostore_inline");

  /**
   * No index on when contents were last touched. The one statement it was made for, the
   * collector's walk ({@link ContentTable}), pages through the contents in hash order, and
   * SQLite's planner, without statistics (ostore runs no ANALYZE), always walks the primary key
   * for it; so the index was only written, a page of every small PUT's commit (docs/benchmarks.md,
   * section 65). PostgreSQL keeps its own: with statistics its planner takes it when few contents
   * are old enough to collect.
   */
  private static final List<String> VERSION_10 = List.of(
      "DROP INDEX IF EXISTS ostore_contents_touched");

  private SqliteDialect() {}

  @Override
  public String name() {
    return "SQLite";
  }

  @Override
  public Connection connect(String url) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("journal_mode", "WAL");
    properties.setProperty("synchronous", "FULL");
    properties.setProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MILLIS));
    properties.setProperty("wal_autocheckpoint", Integer.toString(WRITER_CHECKPOINT_PAGES));
    properties.setProperty("journal_size_limit", Long.toString(LOG_BYTES_KEPT));
    // Otherwise sqlite-jdbc runs "SELECT last_insert_rowid()" after every INSERT, for
    // getGeneratedKeys(), which ostore never calls (RETURNING gives what a write needs): 2% of a
    // one-process store's CPU under small PUTs.
    properties.setProperty("jdbc.get_generated_keys", "false");
    Connection connection = DRIVER.connect(url, properties);
    if (connection == null) {
      throw new SQLException("not an SQLite URL");
    }
    return connection;
  }

  @Override
  public int poolSize() {
    // Readers in WAL mode never wait for one another: enough that 16 requests at once do not
    // queue for a connection (benchmarks.md, 38); each keeps a page cache of at most 2 MB.
    return 16;
  }

  @Override
  public boolean oneWriter() {
    return true;
  }

  @Override
  public Optional<WalCheckpointer> checkpointer(String name, ConnectionPool.Connector connector) {
    return Optional.of(
        new WalCheckpointer(name, connector, WalCheckpointer.COMMITS_PER_CHECKPOINT));
  }

  @Override
  public void begin(Connection connection) throws SQLException {
    // Explicit statements, not setAutoCommit(false): sqlite-jdbc would begin the next
    // transaction as soon as this one commits, holding the write lock while the connection idles.
    execute(connection, "BEGIN IMMEDIATE");
  }

  @Override
  public void commit(Connection connection) throws SQLException {
    execute(connection, "COMMIT");
  }

  /** An SQLite file always has its one schema, {@code main}. */
  @Override
  public void requireSchema(Connection connection) {}

  @Override
  public void lockSchema(Connection connection) {
    // BEGIN IMMEDIATE already holds the database's one write lock.
  }

  @Override
  public List<List<String>> migrations() {
    return List.of(VERSION_1, VERSION_2, VERSION_3, VERSION_4, VERSION_5, VERSION_6, VERSION_7,
        VERSION_8, VERSION_9, VERSION_10);
  }

  @Override
  public boolean lostConnection(SQLException e) {
    return false; // A file does not hang up.
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
