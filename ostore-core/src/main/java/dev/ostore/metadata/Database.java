package dev.ostore.metadata;

import static java.lang.System.Logger.Level.DEBUG;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.metadata.ConnectionPool.Lease;
import dev.ostore.metadata.GroupCommit.Queued;
import java.lang.System.Logger;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A JDBC database behind connection pools: runs each piece of work on a borrowed connection,
 * writes in a transaction of their own. Any failure of the database becomes {@code
 * METADATA_UNAVAILABLE} and the connection is discarded. The exception's message is for clients:
 * it never says where the database is, who we are there, or what its driver said. A database that
 * cannot be reached is logged once, with those details, by {@link Outages}; another failure
 * carries the driver's exception as its cause.
 *
 * <p>With one writer (SQLite), writes of concurrent callers that queue for it are committed
 * together, as a {@link GroupCommit}: one forced write of the log for all of them; and a {@link
 * WalCheckpointer}, told of each commit, copies the log into the database beside the writer.
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
  /** Batches the writes of a database with one writer; null when writers are many. */
  private final GroupCommit batches;
  /** Checkpoints the log beside the writer; null when the database does that itself. */
  private final WalCheckpointer checkpointer;
  private final Outages outages;

  /** A database at {@code jdbcUrl}; {@code url} names it in logs, without its password. */
  Database(Dialect dialect, String jdbcUrl, String url, InstantSource clock) {
    this.name = dialect.name() + " at " + url;
    this.url = url;
    this.dialect = dialect;
    ConnectionPool.Connector connector = () -> dialect.connect(jdbcUrl);
    readers = new ConnectionPool(dialect.poolSize(), MAX_WAIT, connector);
    writers = dialect.oneWriter() ? new ConnectionPool(1, MAX_WAIT, connector) : readers;
    // Many writers commit at once on their own, and their database shares the forced writes.
    batches = dialect.oneWriter() ? new GroupCommit(MAX_WAIT, this::runTogether) : null;
    checkpointer = dialect.checkpointer(name, connector).orElse(null);
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

  /**
   * Runs {@code work} in a write transaction, committed when it returns. With one writer, the
   * transaction may hold other callers' writes too: see {@link #runTogether}.
   */
  <T> T write(String what, Work<T> work) throws OstoreException {
    return batches != null ? batches.write(what, work) : run(what, writers, true, work);
  }

  /** How many writes wait to be taken into a batch: for tests. */
  int queuedWrites() {
    return batches == null ? 0 : batches.queued();
  }

  @Override
  public void close() {
    if (checkpointer != null) {
      checkpointer.close();
    }
    readers.close();
    writers.close();
  }

  /**
   * Runs the writes of {@code batch} in one transaction, so that they share its commit, and
   * settles each once it committed. Should one of them fail before the commit, the transaction
   * is dropped and each runs alone, so that one caller's error reaches that caller only; a commit
   * that fails fails them all, since it may or may not have happened.
   */
  private void runTogether(List<Queued<?>> batch) {
    if (batch.size() > 1) {
      Instant began = outages.now();
      List<Runnable> settle = new ArrayList<>(batch.size());
      boolean ranAll = false;
      try (Lease lease = writers.borrow()) {
        Connection connection = lease.session().connection();
        dialect.begin(connection);
        for (Queued<?> queued : batch) {
          settle.add(runIn(lease.session(), queued));
        }
        ranAll = true;
        commit(connection);
        lease.keep();
        outages.reachable(began);
        settle.forEach(Runnable::run);
        return;
      } catch (OstoreException e) {
        batch.forEach(queued -> queued.failed(e)); // no connection became free
        return;
      } catch (SQLException e) {
        if (ranAll) {
          OstoreException failure = dialect.lostConnection(e) ? unreachable(e)
              : new OstoreException(ErrorCode.METADATA_UNAVAILABLE,
                  "metadata store failed to commit " + batch.get(0).what(), e);
          batch.forEach(queued -> queued.failed(failure));
          return;
        }
        // Not kept, the connection was closed, and the transaction rolled back with it.
      } catch (RuntimeException e) {
        // As above: nothing of the batch was kept.
      }
    }
    batch.forEach(this::runAlone);
  }

  /** Runs {@code queued}'s work on {@code session}; returns what settles it once committed. */
  private static <T> Runnable runIn(Session session, Queued<T> queued) throws SQLException {
    T result = queued.work().run(session);
    return () -> queued.succeeded(result);
  }

  private <T> void runAlone(Queued<T> queued) {
    try {
      queued.succeeded(run(queued.what(), writers, true, queued.work()));
    } catch (OstoreException e) {
      queued.failed(e);
    } catch (RuntimeException e) {
      queued.crashed(e);
    }
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
        commit(connection);
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

  private void commit(Connection connection) throws SQLException {
    dialect.commit(connection);
    if (checkpointer != null) {
      checkpointer.committed();
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
