package dev.ostore.metadata;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * What differs between the databases a {@link SqlMetadataStore} runs on: connecting, transaction
 * boundaries, the schema's DDL and which errors mean the connection is gone. The queries
 * themselves are the same SQL on every database.
 */
interface Dialect {
  /** The database's name, for messages. */
  String name();

  /** Opens a connection to {@code url}, set up for the store, in auto-commit mode. */
  Connection connect(String url) throws SQLException;

  /** The most connections a store keeps for reading, and for writing unless {@link #oneWriter}. */
  int poolSize();

  /**
   * Whether the database lets one writer in at a time: then the store writes through one
   * connection of its own, so that its writers queue in this process instead of polling a lock.
   */
  boolean oneWriter();

  /**
   * Starts what keeps the database's log short beside its writer, told of every commit; empty
   * when the database does that itself. {@code name} names the database in logs.
   */
  default Optional<WalCheckpointer> checkpointer(String name,
      ConnectionPool.Connector connector) {
    return Optional.empty();
  }

  /** Starts a transaction that will write, taking the database's write lock if it has one. */
  void begin(Connection connection) throws SQLException;

  /** Commits the transaction {@link #begin} started and returns to auto-commit mode. */
  void commit(Connection connection) throws SQLException;

  /**
   * Throws an {@link IllegalStateException} saying what an operator must do when the connection
   * has no schema (namespace) to keep the tables in, such as a PostgreSQL {@code currentSchema}
   * that does not exist: that will not come back by itself.
   */
  void requireSchema(Connection connection) throws SQLException;

  /**
   * Inside a transaction, waits until no other process is migrating the schema of this database,
   * and keeps them waiting until the transaction ends.
   */
  void lockSchema(Connection connection) throws SQLException;

  /** The DDL of schema version {@code i + 1} at index {@code i}: append a version, never edit. */
  List<List<String>> migrations();

  /** Whether {@code e} says the connection is gone, so that nothing of its transaction was kept. */
  boolean lostConnection(SQLException e);
}
