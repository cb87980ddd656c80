package dev.ostore.metadata;

import dev.ostore.ContentHash;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The statements on the table of contents: recording and touching a content, the walks over every
 * content (the table a page at a time, in hash order, the order data servers list their shards
 * in; the contents versions refer to that have no entry there, stored whole before erasure
 * coding; the unreferenced ones), and a collection's marks. Walks page on the hash itself: a hash
 * compares as its bytes on SQLite (memcmp) and PostgreSQL (bytea) alike.
 *
 * <p>Why collection is safe: every statement that adds a reference to a content updates its row
 * in the same transaction (touches it, takes a condemned mark away), and condemning and forgetting
 * check that no version refers to it in a statement on that same row. The database's row lock
 * orders the two, so either the add sees the mark and takes it away, or the condemnation sees the
 * fresh touch and refuses.
 */
final class ContentTable {
  /** Below every hash: where a walk starts. */
  private static final byte[] START = new byte[0];

  // A content recorded already is touched and revived if of the same layout, else left as it is;
  // inline bytes it has stay its own.
  private static final String RECORD = "INSERT INTO ostore_contents"
      + " (hash, size, layout, created_millis, touched_millis, inline_id)"
      + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO UPDATE"
      + " SET touched_millis = excluded.touched_millis, condemned_millis = NULL,"
      + " inline_id = COALESCE(ostore_contents.inline_id, excluded.inline_id)"
      + " WHERE ostore_contents.layout = excluded.layout RETURNING inline_id";
  private static final String REVIVE = "UPDATE ostore_contents"
      + " SET touched_millis = ?, condemned_millis = NULL WHERE hash = ?";
  private static final String TOUCH = "UPDATE ostore_contents SET touched_millis = ?"
      + " WHERE hash = ?";
  // The primary key, or on PostgreSQL ostore_contents_touched when few contents are old enough
  // (SQLite has no such index); then ostore_versions_hash answers each NOT EXISTS with one probe.
  private static final String UNREFERENCED = "SELECT c.hash, c.size, c.layout"
      + " FROM ostore_contents c WHERE c.hash > ? AND c.touched_millis < ? AND NOT EXISTS"
      + " (SELECT 1 FROM ostore_versions v WHERE v.hash = c.hash) ORDER BY c.hash LIMIT ?";
  private static final String CONDEMN = "UPDATE ostore_contents SET condemned_millis = ?"
      + " WHERE hash = ? AND touched_millis < ? AND NOT EXISTS"
      + " (SELECT 1 FROM ostore_versions v WHERE v.hash = ostore_contents.hash)";
  // The WHERE also keeps SQLite from reading ON CONFLICT as a join's ON.
  private static final String CONDEMN_UNKNOWN = "INSERT INTO ostore_contents"
      + " (hash, size, layout, created_millis, touched_millis, condemned_millis)"
      + " SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS"
      + " (SELECT 1 FROM ostore_versions WHERE hash = ?) ON CONFLICT (hash) DO NOTHING";
  private static final String FORGET = "DELETE FROM ostore_contents"
      + " WHERE hash = ? AND condemned_millis = ? AND NOT EXISTS"
      + " (SELECT 1 FROM ostore_versions v WHERE v.hash = ostore_contents.hash)"
      + " RETURNING inline_id";
  private static final String KEEP_INLINE = "INSERT INTO ostore_inline (content) VALUES (?)"
      + " RETURNING id";
  private static final String INLINE = "SELECT i.content FROM ostore_contents c"
      + " JOIN ostore_inline i ON i.id = c.inline_id WHERE c.hash = ?";
  private static final String FORGET_INLINE = "DELETE FROM ostore_inline WHERE id = ?";
  // Content kept inline reads no shard: any of it are left from a write in shards.
  private static final String WANTED = "SELECT"
      + " NOT EXISTS (SELECT 1 FROM ostore_contents WHERE hash = ? AND inline_id IS NOT NULL)"
      + " AND (EXISTS (SELECT 1 FROM ostore_versions WHERE hash = ?)"
      + " OR EXISTS (SELECT 1 FROM ostore_contents WHERE hash = ? AND condemned_millis IS NULL))";
  private static final String PAGE = "SELECT hash, size, layout FROM ostore_contents"
      + " WHERE hash > ? ORDER BY hash LIMIT ?";
  // ostore_versions_hash serves both the order and the range; tombstones have no hash.
  private static final String WHOLE = "SELECT DISTINCT v.hash FROM ostore_versions v"
      + " WHERE v.hash > ? AND NOT EXISTS"
      + " (SELECT 1 FROM ostore_contents c WHERE c.hash = v.hash) ORDER BY v.hash LIMIT ?";

  private ContentTable() {}

  /**
   * Records how content {@code digest} is laid out, or touches and revives it when recorded
   * already with that layout: a version is about to refer to it, or its shards were just written.
   * False, changing nothing, when it is recorded with another layout: shards of the two layouts
   * share their names, so the content cannot be both.
   */
  static boolean record(Session session, byte[] digest, long size, String layout,
      long nowMillis) throws SQLException {
    return recordWith(session, digest, size, layout, nowMillis, null).isPresent();
  }

  /**
   * As {@link #record}, for content kept inline: its {@code stored} bytes are kept unless the
   * content has some already (content never changes under its hash). False, keeping nothing,
   * when the content is recorded with another layout.
   */
  static boolean recordInline(Session session, byte[] digest, long size, String layout,
      long nowMillis, byte[] stored) throws SQLException {
    long kept = session.returning(KEEP_INLINE, stored).orElseThrow();
    // Kept first, so that new content, the common case, is one row written once.
    Optional<Long> recorded = recordWith(session, digest, size, layout, nowMillis, kept);
    if (recorded.isEmpty() || recorded.get() != kept) {
      session.statement(FORGET_INLINE, kept).executeUpdate();
    }
    return recorded.isPresent();
  }

  /**
   * Runs {@link #RECORD}: empty when the content is recorded with another layout, else the number
   * of its inline bytes (0 for none).
   */
  private static Optional<Long> recordWith(Session session, byte[] digest, long size,
      String layout, long nowMillis, Long inlineId) throws SQLException {
    return session.returning(RECORD, digest, size, layout, nowMillis, nowMillis, inlineId);
  }

  /** Touches content {@code digest} and takes a condemned mark away, if it has a row. */
  static void revive(Session session, byte[] digest, long nowMillis) throws SQLException {
    session.statement(REVIVE, nowMillis, digest).executeUpdate();
  }

  /** Touches content {@code digest}, if it has a row: a version of it was removed. */
  static void touch(Session session, byte[] digest, long nowMillis) throws SQLException {
    session.statement(TOUCH, nowMillis, digest).executeUpdate();
  }

  static List<ContentEntry> page(Session session, Optional<ContentHash> after, int limit)
      throws SQLException {
    return entries(session.statement(PAGE, from(after), limit));
  }

  static List<ContentEntry> unreferenced(Session session, long touchedBeforeMillis,
      Optional<ContentHash> after, int limit) throws SQLException {
    return entries(session.statement(UNREFERENCED, from(after), touchedBeforeMillis, limit));
  }

  /** See {@link MetadataStore#condemn}; to run in a write transaction. */
  static boolean condemn(Session session, ContentHash hash, ContentLayout layout,
      long touchedBeforeMillis, long atMillis) throws SQLException {
    byte[] digest = hash.bytes();
    if (session.statement(CONDEMN, atMillis, digest, touchedBeforeMillis).executeUpdate() == 1) {
      return true;
    }
    // Refused, or no row: only the latter inserts one (shards that no recorded write owns).
    return session.statement(CONDEMN_UNKNOWN, digest, layout.size(), layout.layout(), atMillis,
        atMillis, atMillis, digest).executeUpdate() == 1;
  }

  /** The stored bytes of content {@code digest} kept inline; null when none are. */
  static byte[] inline(Session session, byte[] digest) throws SQLException {
    try (ResultSet row = session.statement(INLINE, digest).executeQuery()) {
      return row.next() ? row.getBytes(1) : null;
    }
  }

  /** Deletes the row of a condemned content, and its bytes if they were kept inline. */
  static boolean forget(Session session, ContentHash hash, long condemnedMillis)
      throws SQLException {
    Optional<Long> inlineId = session.returning(FORGET, hash.bytes(), condemnedMillis);
    if (inlineId.isPresent() && inlineId.get() != 0) {
      session.statement(FORGET_INLINE, inlineId.get()).executeUpdate();
    }
    return inlineId.isPresent();
  }

  static boolean wanted(Session session, ContentHash hash) throws SQLException {
    byte[] digest = hash.bytes();
    try (ResultSet row = session.statement(WANTED, digest, digest, digest).executeQuery()) {
      row.next();
      return row.getBoolean(1);
    }
  }

  private static List<ContentEntry> entries(PreparedStatement query) throws SQLException {
    List<ContentEntry> entries = new ArrayList<>();
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        entries.add(new ContentEntry(ContentHash.of(rows.getBytes(1)),
            new ContentLayout(rows.getLong(2), rows.getString(3))));
      }
    }
    return entries;
  }

  static List<ContentHash> whole(Session session, Optional<ContentHash> after, int limit)
      throws SQLException {
    List<ContentHash> hashes = new ArrayList<>();
    try (ResultSet rows = session.statement(WHOLE, from(after), limit).executeQuery()) {
      while (rows.next()) {
        hashes.add(ContentHash.of(rows.getBytes(1)));
      }
    }
    return hashes;
  }

  private static byte[] from(Optional<ContentHash> after) {
    return after.map(ContentHash::bytes).orElse(START);
  }
}
