package dev.ostore.metadata;

import static java.lang.System.Logger.Level.DEBUG;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.lang.System.Logger;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most a fixed number of JDBC connections, opened when first needed and kept for reuse. A
 * borrower waits at most a bounded time, then fails with {@code METADATA_UNAVAILABLE}; a
 * connection that cannot be opened is the driver's {@link
 * SQLException}. A connection comes back into the pool only when its borrower said it is
 * {@linkplain Lease#keep() fit}; any other is closed and a new one opened on demand, which is how
 * the store recovers when the database restarts.
 */
final class ConnectionPool implements AutoCloseable {
  private static final Logger log = System.getLogger(ConnectionPool.class.getName());

  /** Opens one connection, ready to use. */
  interface Connector {
    Connection connect() throws SQLException;
  }

  private final Connector connector;
  private final Semaphore permits;
  private final Duration maxWait;
  private final Deque<Session> idle = new ConcurrentLinkedDeque<>();
  private final AtomicBoolean open = new AtomicBoolean(true);

  /** A pool of up to {@code size} connections that {@code connector} opens. */
  ConnectionPool(int size, Duration maxWait, Connector connector) {
    this.connector = connector;
    // Not fair: a fair semaphore hands every connection given back to a parked waiter, a thread
    // switch per query, which took a fifth of a busy api server's CPU (benchmarks.md, 38); a
    // borrower that finds one free takes it, and waiters still get theirs within the bounded wait.
    this.permits = new Semaphore(size);
    this.maxWait = maxWait;
  }

  /** A connection, the most recently used idle one when there is one. */
  Lease borrow() throws OstoreException, SQLException {
    acquire();
    Session session = idle.pollFirst();
    return new Lease(session != null ? session : connect());
  }

  /**
   * A newly opened connection, for a retry after a connection was lost: the idle ones are closed
   * too, since whatever ended one (a server restart, an administrator) most likely ended them all.
   */
  Lease borrowNew() throws OstoreException, SQLException {
    acquire();
    closeIdle();
    return new Lease(connect());
  }

  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      closeIdle();
    }
  }

  private void acquire() throws OstoreException {
    if (!open.get()) {
      throw new IllegalStateException("closed");
    }
    try {
      if (!permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE,
            "no connection to the metadata store became free within " + maxWait.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE,
          "interrupted while waiting for a connection to the metadata store", e);
    }
  }

  /** Opens a connection for the caller, who holds a permit: given back if none opens. */
  private Session connect() throws SQLException {
    boolean connected = false;
    try {
      Session session = new Session(connector.connect());
      connected = true;
      return session;
    } finally {
      if (!connected) {
        permits.release();
      }
    }
  }

  private void closeIdle() {
    for (Session s = idle.pollFirst(); s != null; s = idle.pollFirst()) {
      closeQuietly(s);
    }
  }

  /** Closes {@code session}, if any, which is being thrown away. */
  static void closeQuietly(Session session) {
    if (session == null) {
      return;
    }
    try {
      session.close();
    } catch (SQLException e) {
      // Thrown away (it failed, or is done with): a failure to close it changes nothing.
      log.log(DEBUG, () -> "closing a discarded metadata connection failed", e);
    }
  }

  /** One borrowed connection; closing the lease gives it back, or discards it unless kept. */
  final class Lease implements AutoCloseable {
    private final Session session;
    private boolean keep;
    private boolean closed;

    private Lease(Session session) {
      this.session = session;
    }

    Session session() {
      return session;
    }

    /** Marks the connection fit for reuse: its last transaction ended cleanly. */
    void keep() {
      keep = true;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (keep && open.get()) {
        idle.addFirst(session);
        // A close() of the pool racing with us may have emptied the idle ones before we added.
        if (!open.get()) {
          closeIdle();
        }
      } else {
        closeQuietly(session);
      }
      permits.release();
    }
  }
}
