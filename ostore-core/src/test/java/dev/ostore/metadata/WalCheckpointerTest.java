package dev.ostore.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a {@link WalCheckpointer} shows from outside: the rows committed reach the database file
 * itself (a copy of it, without its log, holds them) once it was told of enough commits, and
 * not before.
 */
@Timeout(30)
class WalCheckpointerTest {
  @TempDir
  Path dir;
  private String url;
  private Connection writer;

  @BeforeEach
  void createTable() throws SQLException {
    url = JdbcUrls.sqlite(dir.resolve("db"));
    writer = SqliteDialect.INSTANCE.connect(url);
    execute(writer, "CREATE TABLE t (i INTEGER)");
    // The table is in the file; rows will not be.
    execute(writer, "PRAGMA wal_checkpoint(TRUNCATE)");
  }

  @AfterEach
  void closeWriter() throws SQLException {
    writer.close();
  }

  @Test
  void checkpointsOnceEnoughCommitsWereMade() throws Exception {
    try (WalCheckpointer checkpointer = new WalCheckpointer("test", this::connect, 3)) {
      commitRows(checkpointer, 3);
      awaitRowsInFile(3);
    }
  }

  @Test
  void leavesTheLogAloneUntilEnoughCommitsWereMade() throws Exception {
    try (WalCheckpointer checkpointer = new WalCheckpointer("test", this::connect, 3)) {
      commitRows(checkpointer, 2);
      Thread.sleep(300);
      assertEquals(0, rowsInFile());
      commitRows(checkpointer, 1);
      awaitRowsInFile(3);
    }
  }

  /** A driver may fail with unchecked exceptions too: neither may end the checkpoints. */
  static Stream<Exception> failures() {
    return Stream.of(new SQLException("refused once"), new IllegalStateException("broke once"));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void aConnectionThatFailsIsOpenedAgainForTheNextCheckpoint(Exception failure) throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    ConnectionPool.Connector failingFirst = () -> {
      if (attempts.incrementAndGet() == 1) {
        if (failure instanceof SQLException checked) {
          throw checked;
        }
        throw (RuntimeException) failure;
      }
      return connect();
    };
    try (WalCheckpointer checkpointer = new WalCheckpointer("test", failingFirst, 1)) {
      commitRows(checkpointer, 1);
      while (attempts.get() < 1) {
        Thread.sleep(10);
      }
      commitRows(checkpointer, 1);
      awaitRowsInFile(2);
    }
  }

  @Test
  void closeEndsTheThreadAndCanBeRepeated() throws Exception {
    WalCheckpointer checkpointer = new WalCheckpointer("test", this::connect, 1);
    commitRows(checkpointer, 1);
    awaitRowsInFile(1);
    checkpointer.close();
    checkpointer.close();
    assertFalse(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("ostore-metadata-checkpoint")));
  }

  @Test
  void refusesToCheckpointNever() {
    assertThrows(IllegalArgumentException.class,
        () -> new WalCheckpointer("test", this::connect, 0));
  }

  private Connection connect() throws SQLException {
    return SqliteDialect.INSTANCE.connect(url);
  }

  private void commitRows(WalCheckpointer checkpointer, int commits) throws SQLException {
    for (int i = 0; i < commits; i++) {
      execute(writer, "INSERT INTO t VALUES (" + i + ")");
      checkpointer.committed();
    }
  }

  private void awaitRowsInFile(int rows) throws Exception {
    awaitRowsInFile(dir.resolve("db"), "t", rows);
  }

  private int rowsInFile() throws Exception {
    return rowsInFile(dir.resolve("db"), "t");
  }

  /**
   * Waits until a copy of the database {@code file}, without its log, holds at least {@code
   * rows} of {@code table}.
   */
  static void awaitRowsInFile(Path file, String table, int rows) throws Exception {
    while (true) {
      try {
        if (rowsInFile(file, table) >= rows) {
          return;
        }
      } catch (SQLException e) {
        // Copied while a checkpoint was writing it: copy it again.
      }
      Thread.sleep(10);
    }
  }

  /** The rows of {@code table} a copy of the database {@code file} holds without its log. */
  static int rowsInFile(Path file, String table) throws Exception {
    Path copy = Files.createTempDirectory(file.getParent(), "copy").resolve("db");
    Files.copy(file, copy);
    try (Connection connection = SqliteDialect.INSTANCE.connect(JdbcUrls.sqlite(copy));
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
