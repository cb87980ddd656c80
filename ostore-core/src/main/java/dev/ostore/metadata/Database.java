package dev.ostore.metadata;

import static java.lang.System.Logger.Level.INFO;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.metadata.ConnectionPool.Lease;
import java.lang.System.Logger;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A JDBC database behind connection pools: runs each piece of work on a borrowed connection,
 * writes in a transaction of their own. Any failure of the database becomes {@code
 * METADATA_UNAVAILABLE} and the connection is discarded.
 *
 * <p>One failure is hidden from the caller: a connection found dead (the server restarted, or an
 * administrator ended it) before anything was committed on it. Nothing of that transaction can
 * have been kept, so it runs once more on a new connection. A connection lost during the commit
 * itself is not retried, since the commit may or may not have happened.
 */
final class Database implements AutoCloseable {
  private static final Logger log = System.getLogger(Database.class.getName());
  /** The longest a call waits for a free connection. */
  static final Duration MAX_WAIT = Duration.ofSeconds(10);

  /** Work on one session; it may run twice, so it must not change anything outside it. */
  interface Work<T> {
    T run(Session session) throws SQLException;
  }

  private final String url;
  private final Dialect dialect;
  private final ConnectionPool readers;
  private final ConnectionPool writers;

  /** A database at {@code jdbcUrl}; {@code url} names it in messages, without its password. */
  Database(Dialect dialect, String jdbcUrl, String url) {
    this.url = url;
    this.dialect = dialect;
    ConnectionPool.Connector connector = () -> dialect.connect(jdbcUrl);
    readers = new ConnectionPool(url, dialect.poolSize(), MAX_WAIT, connector);
    writers = dialect.oneWriter() ? new ConnectionPool(url, 1, MAX_WAIT, connector) : readers;
  }

  String url() {
    return url;
  }

  /** Runs {@code work} in auto-commit mode: for work that is one statement, or only reads. */
  <T> T read(String what, Work<T> work) throws OstoreException {
    return run(what, readers, false, work);
  }

  /** Runs {@code work} in a write transaction, committed when it returns. */
  <T> T write(String what, Work<T> work) throws OstoreException {
    return run(what, writers, true, work);
  }

  @Override
  public void close() {
    readers.close();
    writers.close();
  }

  private <T> T run(String what, ConnectionPool pool, boolean write, Work<T> work)
      throws OstoreException {
    try (Lease lease = pool.borrow()) {
      return attempt(what, lease, write, work);
    } catch (LostConnection e) {
      log.log(INFO, () -> "connection to the metadata store " + url + " lost ("
          + e.getCause().getMessage() + "); trying once more to " + what);
      try (Lease lease = pool.borrowNew()) {
        return attempt(what, lease, write, work);
      } catch (LostConnection again) {
        throw unavailable(what, again.sqlException());
      }
    }
  }

  private <T> T attempt(String what, Lease lease, boolean write, Work<T> work)
      throws OstoreException, LostConnection {
    Session session = lease.session();
    Connection connection = session.connection();
    boolean committing = false;
    try {
      T result;
      if (write) {
        dialect.begin(connection);
        result = work.run(session);
        committing = true;
        dialect.commit(connection);
      } else {
        result = work.run(session);
      }
      lease.keep();
      return result;
    } catch (SQLException e) {
      if (!committing && dialect.lostConnection(e)) {
        throw new LostConnection(e);
      }
      throw unavailable(what, e);
    }
  }

  private OstoreException unavailable(String what, SQLException e) {
    return new OstoreException(ErrorCode.METADATA_UNAVAILABLE,
        "metadata store (" + dialect.name() + ") failed to " + what + ": " + e.getMessage(), e);
  }

  /** A connection found dead before its transaction committed anything. */
  private static final class LostConnection extends Exception {
    LostConnection(SQLException cause) {
      super(cause);
    }

    SQLException sqlException() {
      return (SQLException) getCause();
    }
  }
}
