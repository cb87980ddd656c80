package dev.ostore.server.api;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A schema of its own on the PostgreSQL of this machine, for one test, dropped when closed. A
 * test using it fails, never skips, when PostgreSQL is unreachable.
 */
final class TestPostgres implements AutoCloseable {
  static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  final String schema = "ostore_it_" + UUID.randomUUID().toString().replace("-", "");

  TestPostgres() throws SQLException {
    execute("CREATE SCHEMA " + schema);
  }

  /** The JDBC URL of the schema, as {@code METADATA_URL} takes it. */
  String url() {
    return SERVER + "&currentSchema=" + schema;
  }

  @Override
  public void close() throws SQLException {
    execute("DROP SCHEMA " + schema + " CASCADE");
  }

  private static void execute(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(SERVER);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
