package dev.ostore.metadata;

import dev.ostore.ContentHash;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The statements a walk over every content needs: the table of contents a page at a time, in
 * hash order (the order data servers list their shards in), and the contents versions refer to
 * that have no entry there, stored whole before erasure coding. Both page on the hash itself: a
 * hash compares as its bytes on SQLite (memcmp) and PostgreSQL (bytea) alike.
 */
final class ContentTable {
  private static final HexFormat HEX = HexFormat.of();
  /** Below every hash: where a walk starts. */
  private static final byte[] START = new byte[0];

  static final String RECORD = "INSERT INTO ostore_contents"
      + " (hash, size, layout, created_millis) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING";
  private static final String PAGE = "SELECT hash, size, layout FROM ostore_contents"
      + " WHERE hash > ? ORDER BY hash LIMIT ?";
  // ostore_versions_hash serves both the order and the range; tombstones have no hash.
  private static final String WHOLE = "SELECT DISTINCT v.hash FROM ostore_versions v"
      + " WHERE v.hash > ? AND NOT EXISTS"
      + " (SELECT 1 FROM ostore_contents c WHERE c.hash = v.hash) ORDER BY v.hash LIMIT ?";

  private ContentTable() {}

  static byte[] bytes(ContentHash hash) {
    return HEX.parseHex(hash.hex());
  }

  static List<ContentEntry> page(Session session, Optional<ContentHash> after, int limit)
      throws SQLException {
    List<ContentEntry> entries = new ArrayList<>();
    try (ResultSet rows = session.statement(PAGE, from(after), limit).executeQuery()) {
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
    return after.map(ContentTable::bytes).orElse(START);
  }
}
