package dev.ostore.metadata;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * PostgreSQL through pgjdbc, for a store shared by several api servers. Names are {@code COLLATE
 * "C"}, so that they sort by the bytes of their UTF-8 as in SQLite, whatever the database's
 * locale. Transactions run at READ COMMITTED: the statements that assign numbers are single
 * upserts and updates whose row lock serializes writers of one name.
 */
final class PostgresDialect implements Dialect {
  static final PostgresDialect INSTANCE = new PostgresDialect();

  private static final Driver DRIVER = new org.postgresql.Driver();
  /** "ostore" in ASCII: the advisory lock every ostore process takes to migrate the schema. */
  private static final long SCHEMA_LOCK = 0x6f73_746f_7265L;

  private static final List<String> VERSION_1 = List.of(
      """
      CREATE TABLE ostore_names (
        name TEXT COLLATE "C" PRIMARY KEY,
        latest BIGINT NOT NULL,
        live BOOLEAN NOT NULL
      )""",
      """
      CREATE TABLE ostore_versions (
        name TEXT COLLATE "C" NOT NULL,
        version BIGINT NOT NULL CHECK (version >= 1),
        size BIGINT NOT NULL CHECK (size >= 0),
        hash BYTEA CHECK (hash IS NOT NULL OR size = 0),
        created_millis BIGINT NOT NULL,
        PRIMARY KEY (name, version)
      )""",
      "CREATE INDEX ostore_versions_hash ON ostore_versions (hash)");
  /** Which store the database belongs to: see {@link Ownership}. */
  private static final List<String> VERSION_2 = List.of(
      """
      CREATE TABLE ostore_store (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('local', 'cluster')),
        created_millis BIGINT NOT NULL
      )""");

  /** The table of contents: how each content is laid out on the data servers. */
  private static final List<String> VERSION_3 = List.of(
      """
      CREATE TABLE ostore_contents (
        hash BYTEA PRIMARY KEY,
        size BIGINT NOT NULL CHECK (size >= 0),
        layout TEXT NOT NULL,
        created_millis BIGINT NOT NULL
      )""");

  /** Leases: one holder at a time of a cluster-wide task, such as the repair service. */
  private static final List<String> VERSION_4 = List.of(
      """
      CREATE TABLE ostore_leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_millis BIGINT NOT NULL
      )""");

  /**
   * Resumable uploads, one row each (see {@link UploadRecord}), and secrets the cluster's api
   * servers share, such as the key that signs upload tokens.
   */
  private static final List<String> VERSION_5 = List.of(
      """
      CREATE TABLE ostore_uploads (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        size BIGINT NOT NULL CHECK (size >= 0),
        declared BYTEA,
        layout TEXT NOT NULL,
        servers TEXT NOT NULL,
        server_ids TEXT NOT NULL,
        expires_millis BIGINT NOT NULL,
        stripes BIGINT NOT NULL CHECK (stripes >= 0),
        tail BYTEA NOT NULL,
        failed TEXT NOT NULL,
        created_millis BIGINT NOT NULL
      )""",
      "CREATE INDEX ostore_uploads_expires ON ostore_uploads (expires_millis)",
      """
      CREATE TABLE ostore_secrets (
        name TEXT PRIMARY KEY,
        secret BYTEA NOT NULL,
        created_millis BIGINT NOT NULL
      )""");

  /**
   * Version removal and garbage collection. {@code highest} is the highest number a name ever
   * gave out, so that removing its newest version never frees that number for reuse; {@code
   * latest} stays the newest version there is (0 when none is left). A content's {@code
   * touched_millis} is when a version last came or went with it, {@code condemned_millis} when a
   * collection marked it (see {@link MetadataStore#condemn}). The defaults only fill existing
   * rows: dropped, so that a statement that forgot a column fails instead of guessing.
   */
  private static final List<String> VERSION_6 = List.of(
      "ALTER TABLE ostore_names ADD COLUMN highest BIGINT NOT NULL DEFAULT 0",
      "UPDATE ostore_names SET highest = latest",
      "ALTER TABLE ostore_names ALTER COLUMN highest DROP DEFAULT",
      "ALTER TABLE ostore_contents ADD COLUMN touched_millis BIGINT NOT NULL DEFAULT 0",
      "UPDATE ostore_contents SET touched_millis = created_millis",
      "ALTER TABLE ostore_contents ALTER COLUMN touched_millis DROP DEFAULT",
      "ALTER TABLE ostore_contents ADD COLUMN condemned_millis BIGINT",
      "CREATE INDEX ostore_contents_touched ON ostore_contents (touched_millis)");

  /**
   * Resumable uploads of content stored compressed: where the compressor stood after the bytes
   * held ({@link dev.ostore.compress.CompressorState}); null for uploads stored as they come,
   * as every upload of an earlier release is.
   */
  private static final List<String> VERSION_7 = List.of(
      "ALTER TABLE ostore_uploads ADD COLUMN compressor BYTEA");

  /**
   * The stored bytes of small content kept in the metadata store rather than on data servers
   * ({@link ContentLayout#INLINE}): a table of its own, so that walks over the table of contents
   * do not read them.
   */
  private static final List<String> VERSION_8 = List.of(
      """
      CREATE TABLE ostore_inline (
        hash BYTEA PRIMARY KEY,
        content BYTEA NOT NULL
      )""",
      // Kept out of line, uncompressed: ostore compresses what is worth it before it comes.
      "ALTER TABLE ostore_inline ALTER COLUMN content SET STORAGE EXTERNAL");

  /**
   * Inline content found by a number its row in the table of contents holds, as in SQLite (see
   * {@link SqliteDialect}): one index ordered by hash fewer for a small PUT's commit to write.
   */
  private static final List<String> VERSION_9 = List.of(
      "ALTER TABLE ostore_inline ADD COLUMN id BIGINT GENERATED BY DEFAULT AS IDENTITY",
      "ALTER TABLE ostore_contents ADD COLUMN inline_id BIGINT",
      "UPDATE ostore_contents c SET inline_id = i.id FROM ostore_inline i WHERE i.hash = c.hash",
      "ALTER TABLE ostore_inline DROP COLUMN hash",
      "ALTER TABLE ostore_inline ADD PRIMARY KEY (id)");

  private PostgresDialect() {}

  @Override
  public String name() {
    return "PostgreSQL";
  }

  /** Defaults below apply unless the URL sets them: pgjdbc lets URL parameters win. */
  @Override
  public Connection connect(String url) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("ApplicationName", "ostore");
    properties.setProperty("connectTimeout", "5");
    // Bounds the whole login: a server that accepts connections but never answers (stopped, or
    // a firewall that swallows packets) would otherwise hold each attempt for twice the socket
    // timeout, since pgjdbc tries again without SSL.
    properties.setProperty("loginTimeout", "5");
    // A query never takes this long here; a server that stops answering must not hang a caller.
    properties.setProperty("socketTimeout", "30");
    properties.setProperty("tcpKeepAlive", "true");
    Connection connection = DRIVER.connect(url, properties);
    if (connection == null) {
      throw new SQLException("not a PostgreSQL URL");
    }
    try {
      planEveryExecution(connection);
    } catch (SQLException | RuntimeException e) {
      try {
        connection.close();
      } catch (SQLException closing) {
        e.addSuppressed(closing); // the failure to set it up is what the caller must hear
      }
      throw e;
    }
    return connection;
  }

  /**
   * Has the server plan each execution of a prepared statement for its parameters. Otherwise,
   * after five executions, it may keep one plan for all of them, made for the table as it was
   * then: on a new store's empty table a sequential scan, kept for the connection's life unless
   * an ANALYZE happens to invalidate it, so that every PUT's look-up of its content's hash read
   * every version (docs/benchmarks.md, section 48). Planning these short statements costs far
   * less than one such scan. PostgreSQL before 12 has no such setting and keeps its default.
   */
  private static void planEveryExecution(Connection connection) throws SQLException {
    if (connection.getMetaData().getDatabaseMajorVersion() >= 12) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET plan_cache_mode = force_custom_plan");
      }
    }
  }

  @Override
  public int poolSize() {
    return 8;
  }

  @Override
  public boolean oneWriter() {
    return false;
  }

  @Override
  public void begin(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
  }

  @Override
  public void commit(Connection connection) throws SQLException {
    connection.commit();
    connection.setAutoCommit(true);
  }

  /**
   * PostgreSQL creates tables in the first schema of the search path that exists; with none (a
   * {@code currentSchema} in the URL that nobody created), {@code current_schema()} is null and
   * every statement fails, saying only that no schema was selected.
   */
  @Override
  public void requireSchema(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
            "SELECT current_schema(), current_setting('search_path')");
        ResultSet row = statement.executeQuery()) {
      row.next();
      if (row.getString(1) == null) {
        String path = row.getString(2);
        throw new IllegalStateException((path.contains(",")
            ? "none of the PostgreSQL schemas " + path + " exists"
            : "PostgreSQL schema " + path + " does not exist")
            + ": an operator must create it, or correct currentSchema in the metadata URL");
      }
    }
  }

  /**
   * Without the lock, two processes starting at once on a new database would both run {@code
   * CREATE TABLE IF NOT EXISTS}, and the second fails on a unique index of the catalog.
   */
  @Override
  public void lockSchema(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT pg_advisory_xact_lock(?)")) {
      statement.setLong(1, SCHEMA_LOCK);
      statement.execute();
    }
  }

  @Override
  public List<List<String>> migrations() {
    return List.of(VERSION_1, VERSION_2, VERSION_3, VERSION_4, VERSION_5, VERSION_6, VERSION_7,
        VERSION_8, VERSION_9);
  }

  /** Class 08 is a connection exception; 57P01-57P03 are the server shutting down or starting. */
  @Override
  public boolean lostConnection(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith("57P"));
  }
}
