package dev.ostore.metadata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.List;

/**
 * Brings a database's schema up to date. Table {@code ostore_schema} has one row per applied
 * migration; the missing ones of {@link Dialect#migrations()} are applied in order, all in the one
 * transaction the caller runs this in, so a failure leaves the schema as it was. Concurrent
 * starts wait for each other on {@link Dialect#lockSchema}, and the later ones find nothing to do.
 */
final class Schema {
  private Schema() {}

  /** Migrates, inside the caller's write transaction; returns the schema version now in force. */
  static int migrate(Connection connection, Dialect dialect, InstantSource clock)
      throws SQLException {
    dialect.requireSchema(connection);
    dialect.lockSchema(connection);
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS ostore_schema ("
          + "version INTEGER PRIMARY KEY, applied_millis BIGINT NOT NULL)");
    }
    int current = current(connection);
    List<List<String>> migrations = dialect.migrations();
    if (current > migrations.size()) {
      throw new IllegalStateException("the metadata schema is at version " + current
          + ", newer than this ostore knows (" + migrations.size() + "): upgrade ostore");
    }
    for (int version = current + 1; version <= migrations.size(); version++) {
      try (Statement statement = connection.createStatement()) {
        for (String ddl : migrations.get(version - 1)) {
          statement.execute(ddl);
        }
      }
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO ostore_schema (version, applied_millis) VALUES (?, ?)")) {
        insert.setInt(1, version);
        insert.setLong(2, clock.millis());
        insert.executeUpdate();
      }
    }
    return migrations.size();
  }

  private static int current(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT COALESCE(MAX(version), 0) FROM ostore_schema")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
