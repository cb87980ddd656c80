package dev.ostore.metadata;

import static java.lang.System.Logger.Level.WARNING;

import java.lang.System.Logger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Checkpoints an SQLite database's write-ahead log on a thread of its own: copies the pages the
 * log holds into the database file and forces it, so that the log can start over. SQLite would
 * otherwise do that inside whichever commit takes the log past its limit, and with one writer
 * every write queued behind that commit waits for the copy and the force (docs/benchmarks.md,
 * section 46). The checkpoints are PASSIVE: they take no lock that a reader or the writer waits
 * for. The writer's own limit stays, raised, as a bound on the log's size should these fall
 * behind.
 */
final class WalCheckpointer implements AutoCloseable {
  private static final Logger log = System.getLogger(WalCheckpointer.class.getName());
  /**
   * Commits between checkpoints: few, so that each forces few pages into the database file, and
   * a commit's force of the log, which may wait for it, waits briefly. At 128, with small content
   * in the metadata store (three pages a 4 KiB PUT), p99 was 3–4 times as long, for the same PUTs
   * a second (docs/benchmarks.md, section 51).
   */
  static final int COMMITS_PER_CHECKPOINT = 16;
  private static final String CHECKPOINT = "PRAGMA wal_checkpoint(PASSIVE)";

  private final String name;
  private final ConnectionPool.Connector connector;
  private final int commitsPerCheckpoint;
  private final AtomicInteger commits = new AtomicInteger();
  private final AtomicBoolean requested = new AtomicBoolean();
  private final AtomicBoolean open = new AtomicBoolean(true);
  private final Thread thread;

  /**
   * Starts a thread that checkpoints the database {@code connector} connects to once every
   * {@code commitsPerCheckpoint} commits; {@code name} names the database in logs.
   */
  WalCheckpointer(String name, ConnectionPool.Connector connector, int commitsPerCheckpoint) {
    if (commitsPerCheckpoint < 1) {
      throw new IllegalArgumentException("commitsPerCheckpoint < 1: " + commitsPerCheckpoint);
    }
    this.name = name;
    this.connector = connector;
    this.commitsPerCheckpoint = commitsPerCheckpoint;
    thread = new Thread(this::checkpointWhenAsked, "ostore-metadata-checkpoint");
    thread.setDaemon(true);
    thread.start();
  }

  /** Counts a commit, and asks for a checkpoint when enough were made since the last. */
  void committed() {
    if (commits.incrementAndGet() % commitsPerCheckpoint == 0 && !requested.getAndSet(true)) {
      LockSupport.unpark(thread);
    }
  }

  /** Stops the thread, after the checkpoint under way if any, and closes its connection. */
  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      LockSupport.unpark(thread);
      boolean interrupted = false;
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true; // the connection must be closed before the caller goes on
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void checkpointWhenAsked() {
    Session session = null;
    while (open.get()) {
      if (!requested.getAndSet(false)) {
        LockSupport.park(this);
        continue;
      }
      try {
        if (session == null) {
          session = new Session(connector.connect());
        }
        // Closing its result set readies the statement for the next checkpoint.
        try (ResultSet outcome = session.statement(CHECKPOINT).executeQuery()) {
          outcome.next();
        }
      } catch (SQLException | RuntimeException e) {
        // The writer meets a failing database too, and reports it to its callers; the log
        // meanwhile grows up to the writer's own limit, which checkpoints it. A driver's
        // unchecked failure must not end this thread, or it would stay at that limit for good.
        log.log(WARNING, "checkpointing the metadata store " + name + " failed: " + e);
        ConnectionPool.closeQuietly(session);
        session = null;
      }
    }
    ConnectionPool.closeQuietly(session);
  }
}
