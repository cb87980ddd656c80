package dev.ostore.metadata;

import static java.lang.System.Logger.Level.DEBUG;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.metadata.ConnectionPool.Lease;
import java.lang.System.Logger;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * A JDBC database behind connection pools: runs each piece of work on a borrowed connection,
 * writes in a transaction of their own. Any failure of the database becomes {@code
 * METADATA_UNAVAILABLE} and the connection is discarded. The exception's message is for clients:
 * it never says where the database is, who we are there, or what its driver said. A database that
 * cannot be reached is logged once, with those details, by {@link Outages}; another failure
 * carries the driver's exception as its cause.
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
  /** What clients are told while the database cannot be reached. */
  static final String UNAVAILABLE = "metadata store unavailable";

  /** Work on one session; it may run twice, so it must not change anything outside it. */
  interface Work<T> {
    T run(Session session) throws SQLException;
  }

  /** The database as logs name it: "PostgreSQL at jdbc:postgresql://..." (password hidden). */
  private final String name;
  private final String url;
  private final Dialect dialect;
  private final ConnectionPool readers;
  private final ConnectionPool writers;
  private final Outages outages;

  /** A database at {@code jdbcUrl}; {@code url} names it in logs, without its password. */
  Database(Dialect dialect, String jdbcUrl, String url, InstantSource clock) {
    this.name = dialect.name() + " at " + url;
    this.url = url;
    this.dialect = dialect;
    ConnectionPool.Connector connector = () -> dialect.connect(jdbcUrl);
    readers = new ConnectionPool(dialect.poolSize(), MAX_WAIT, connector);
    writers = dialect.oneWriter() ? new ConnectionPool(1, MAX_WAIT, connector) : readers;
    outages = new Outages(name, clock);
  }

  /** The database as logs name it. */
  String name() {
    return name;
  }

  /** Its JDBC URL, password hidden. */
  String url() {
    return url;
  }

  /** The outage going on, in one line for operators; empty while the database answers. */
  Optional<String> outage() {
    return outages.current();
  }

  void addOutageListener(OutageListener listener) {
    outages.addListener(listener);
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
    Instant began = outages.now();
    try {
      try (Lease lease = pool.borrow()) {
        return attempt(what, lease, write, work, began);
      } catch (LostConnection e) {
        log.log(DEBUG, () -> "connection to the metadata store " + name + " lost ("
            + e.getCause().getMessage() + "); trying once more to " + what);
        try (Lease lease = pool.borrowNew()) {
          return attempt(what, lease, write, work, began);
        }
      }
    } catch (LostConnection e) {
      throw unreachable(e.sqlException());
    } catch (SQLException e) {
      throw unreachable(e); // No connection could be opened.
    }
  }

  private <T> T attempt(String what, Lease lease, boolean write, Work<T> work, Instant began)
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
      outages.reachable(began);
      return result;
    } catch (SQLException e) {
      if (dialect.lostConnection(e)) {
        if (!committing) {
          throw new LostConnection(e);
        }
        throw unreachable(e);
      }
      outages.reachable(began); // It answered, with an error.
      throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE,
          "metadata store failed to " + what, e);
    } catch (RuntimeException e) {
      outages.reachable(began);
      throw e;
    }
  }

  private OstoreException unreachable(SQLException e) {
    outages.unreachable(e);
    return new OstoreException(ErrorCode.METADATA_UNAVAILABLE, UNAVAILABLE);
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
