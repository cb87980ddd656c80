package dev.ostore.metadata;

import dev.ostore.ContentHash;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Removing versions for good: one by number, or a name's old ones by a retention rule. Each
 * removal locks the name's row first, as adding and deleting do, so that a name's newest version
 * is known for sure while its versions are removed; it touches the contents of the versions it
 * removes (see {@link ContentTable}), so that they become collectable only a grace period later.
 * The name's row keeps {@code highest}, the highest number ever given, so numbers are not reused.
 */
final class VersionRemoval {
  private static final String DELETE = "DELETE FROM ostore_versions WHERE name = ? AND version = ?"
      + " RETURNING name, version, size, hash, created_millis";
  private static final String NEWEST = "SELECT version, hash IS NULL FROM ostore_versions"
      + " WHERE name = ? ORDER BY version DESC LIMIT 1";
  private static final String SET_LATEST = "UPDATE ostore_names SET latest = ?, live = ?"
      + " WHERE name = ?";
  // Walks back from the newest version to the first live one: short unless many tombstones.
  private static final String NEWEST_LIVE = "SELECT version FROM ostore_versions"
      + " WHERE name = ? AND hash IS NOT NULL ORDER BY version DESC LIMIT 1";
  private static final String KEPT_FROM = "SELECT version FROM ostore_versions"
      + " WHERE name = ? ORDER BY version DESC LIMIT 1 OFFSET ?";
  private static final String EXPIRED = " FROM ostore_versions WHERE name = ? AND version < ?"
      + " AND (version < ? OR created_millis < ?)";
  private static final String COUNT_EXPIRED = "SELECT count(*)" + EXPIRED;
  private static final String DELETE_EXPIRED = "DELETE" + EXPIRED + " RETURNING hash";
  private static final String NAMES = "SELECT name FROM ostore_names WHERE name > ?"
      + " ORDER BY name LIMIT ?";

  private VersionRemoval() {}

  /** See {@link MetadataStore#deleteVersion}; to run in a write transaction. */
  static Optional<Version> remove(Session session, String name, long number, long nowMillis)
      throws SQLException {
    long latest;
    try (ResultSet row = session.statement(SqlMetadataStore.LOCK_NAME, name).executeQuery()) {
      if (!row.next()) {
        return Optional.empty();
      }
      latest = row.getLong(1);
    }
    Optional<Version> removed;
    try (ResultSet row = session.statement(DELETE, name, number).executeQuery()) {
      removed = row.next() ? Optional.of(SqlMetadataStore.version(row)) : Optional.empty();
    }
    if (removed.isEmpty()) {
      return removed;
    }
    if (removed.get().hash().isPresent()) {
      ContentTable.touch(session, removed.get().hash().get().bytes(), nowMillis);
    }
    if (number == latest) {
      // Listings of the live objects join on latest: it names the newest version left, 0 none.
      long newest = 0;
      boolean live = false;
      try (ResultSet row = session.statement(NEWEST, name).executeQuery()) {
        if (row.next()) {
          newest = row.getLong(1);
          live = !row.getBoolean(2);
        }
      }
      session.statement(SET_LATEST, newest, live, name).executeUpdate();
    }
    return removed;
  }

  /** Up to {@code limit} names after {@code after} ("" for the first), in name order. */
  static List<String> names(Session session, String after, int limit) throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet rows = session.statement(NAMES, after, limit).executeQuery()) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }

  /**
   * How many versions of {@code name} the retention rule (see {@link
   * MetadataStore#applyRetention}) would remove: a read, so that names with nothing to remove
   * cost no write.
   */
  static long expired(Session session, String name, int keep, long createdBeforeMillis)
      throws SQLException {
    Optional<Bounds> bounds = bounds(session, name, keep);
    return bounds.isEmpty() ? 0 : first(session, COUNT_EXPIRED, name, bounds.get().protectedFrom(),
        bounds.get().keptFrom(), createdBeforeMillis).orElseThrow();
  }

  /** Removes the versions {@link #expired} counts; to run in a write transaction. */
  static long removeExpired(Session session, String name, int keep, long createdBeforeMillis,
      long nowMillis) throws SQLException {
    try (ResultSet row = session.statement(SqlMetadataStore.LOCK_NAME, name).executeQuery()) {
      if (!row.next()) {
        return 0;
      }
    }
    Optional<Bounds> bounds = bounds(session, name, keep);
    if (bounds.isEmpty()) {
      return 0;
    }
    long removed = 0;
    // Versions of a name often share a content: each is touched once, after the result is read.
    Set<ContentHash> contents = new HashSet<>();
    try (ResultSet rows = session.statement(DELETE_EXPIRED, name, bounds.get().protectedFrom(),
        bounds.get().keptFrom(), createdBeforeMillis).executeQuery()) {
      while (rows.next()) {
        removed++;
        byte[] hash = rows.getBytes(1);
        if (hash != null) {
          contents.add(ContentHash.of(hash));
        }
      }
    }
    for (ContentHash hash : contents) {
      ContentTable.touch(session, hash.bytes(), nowMillis);
    }
    return removed;
  }

  /**
   * Which versions of a name retention may remove: those below {@code protectedFrom} (its newest
   * version and its newest live one are kept whatever the rule says) that are below {@code
   * keptFrom} (beyond the newest {@code keep}) or old enough.
   */
  private record Bounds(long protectedFrom, long keptFrom) {}

  /** Empty when the name has no version. */
  private static Optional<Bounds> bounds(Session session, String name, int keep)
      throws SQLException {
    Optional<Long> newest = first(session, NEWEST, name);
    if (newest.isEmpty()) {
      return Optional.empty();
    }
    long protectedFrom = Math.min(newest.get(), first(session, NEWEST_LIVE, name)
        .orElse(newest.get()));
    // Version numbers are at least 1: below 1, no version is beyond the count kept.
    long keptFrom = keep == 0 ? 1 : first(session, KEPT_FROM, name, keep - 1).orElse(1L);
    return Optional.of(new Bounds(protectedFrom, keptFrom));
  }

  private static Optional<Long> first(Session session, String sql, Object... parameters)
      throws SQLException {
    try (ResultSet rows = session.statement(sql, parameters).executeQuery()) {
      return rows.next() ? Optional.of(rows.getLong(1)) : Optional.empty();
    }
  }
}
