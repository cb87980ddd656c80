package dev.ostore.metadata;

import java.sql.SQLException;

/**
 * Leases in {@code ostore_leases}: a row per leased name, naming its holder until a time. Taking
 * and renewing are one upsert that only overwrites the row of the same holder or of an expired
 * lease, so two takers racing for a free lease cannot both win: the database serializes them on
 * the row, and the loser's condition is then false.
 */
final class LeaseTable {
  private static final String TAKE = "INSERT INTO ostore_leases (name, holder, expires_millis)"
      + " VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE"
      + " SET holder = excluded.holder, expires_millis = excluded.expires_millis"
      + " WHERE ostore_leases.holder = excluded.holder OR ostore_leases.expires_millis <= ?";
  private static final String RELEASE = "DELETE FROM ostore_leases WHERE name = ? AND holder = ?";

  private LeaseTable() {}

  static boolean take(Session session, String name, String holder, long nowMillis,
      long untilMillis) throws SQLException {
    return session.statement(TAKE, name, holder, untilMillis, nowMillis).executeUpdate() == 1;
  }

  static void release(Session session, String name, String holder) throws SQLException {
    session.statement(RELEASE, name, holder).executeUpdate();
  }
}
