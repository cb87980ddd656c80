package dev.ostore.metadata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One pooled connection and the statements prepared on it, kept open for its next borrower:
 * preparing a statement cost SQLite about three times as much as running a point query with it
 * (see docs/benchmarks.md). The store runs a fixed handful of statements, so none is ever evicted.
 * One borrower at a time.
 */
final class Session implements AutoCloseable {
  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  Session(Connection connection) {
    this.connection = connection;
  }

  Connection connection() {
    return connection;
  }

  /**
   * The statement for {@code sql} with {@code parameters} set. The session owns it: close its
   * result set, never the statement.
   */
  PreparedStatement statement(String sql, Object... parameters) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    for (int i = 0; i < parameters.length; i++) {
      statement.setObject(i + 1, parameters[i]);
    }
    return statement;
  }

  /**
   * Runs {@code sql}, a write or query whose first column is a number (a write's {@code
   * RETURNING}), and returns that number of its first row (0 for SQL NULL); empty with no row.
   */
  Optional<Long> returning(String sql, Object... parameters) throws SQLException {
    try (ResultSet rows = statement(sql, parameters).executeQuery()) {
      return rows.next() ? Optional.of(rows.getLong(1)) : Optional.empty();
    }
  }

  /** Closes the connection, which closes its statements (JDBC 4.3, section 13.1.4). */
  @Override
  public void close() throws SQLException {
    statements.clear();
    connection.close();
  }
}
