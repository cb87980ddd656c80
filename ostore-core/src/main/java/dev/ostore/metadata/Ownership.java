package dev.ostore.metadata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Locale;

/**
 * Records which store a database belongs to (table {@code ostore_store}, one row), or checks it:
 * run inside the migration's transaction, under its lock, so that stores starting together on a
 * new database agree on the first one's identity.
 */
final class Ownership {
  private static final String CLAIM = "INSERT INTO ostore_store (singleton, id, kind,"
      + " created_millis) VALUES (1, ?, ?, ?) ON CONFLICT (singleton) DO NOTHING";
  private static final String OWNER = "SELECT id, kind FROM ostore_store";

  private Ownership() {}

  /**
   * Records {@code mine} unless the database belongs to a store already, then makes sure that
   * {@code mine} may serve it: an {@link IllegalStateException} saying what to do otherwise.
   */
  static void claim(Connection connection, StoreIdentity mine, String url, InstantSource clock)
      throws SQLException {
    try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
      claim.setString(1, mine.id());
      claim.setString(2, mine.kind().name().toLowerCase(Locale.ROOT));
      claim.setLong(3, clock.millis());
      claim.executeUpdate();
    }
    StoreIdentity owner;
    try (PreparedStatement select = connection.prepareStatement(OWNER);
        ResultSet row = select.executeQuery()) {
      row.next();
      owner = new StoreIdentity(StoreIdentity.Kind.valueOf(
          row.getString(2).toUpperCase(Locale.ROOT)), row.getString(1));
    }
    if (!mine.accepts(owner)) {
      throw new IllegalStateException(refusal(mine, owner, url));
    }
  }

  private static String refusal(StoreIdentity mine, StoreIdentity owner, String url) {
    String belongs = "the metadata in " + url + " belongs to ";
    if (owner.kind() == StoreIdentity.Kind.LOCAL && mine.kind() == StoreIdentity.Kind.LOCAL) {
      return belongs + "another one-command store (" + owner.id() + "), not to the one in this"
          + " STORAGE_ROOT (" + mine.id() + "): give this store the STORAGE_ROOT it was created"
          + " in, or another METADATA_URL";
    }
    if (owner.kind() == StoreIdentity.Kind.LOCAL) {
      return belongs + "a one-command store, whose content is in its STORAGE_ROOT, not on the"
          + " data servers of a cluster: serve it by running ostore-server-api without"
          + " RABBITMQ_SERVER, or give this api server another STORAGE_ROOT or METADATA_URL";
    }
    return belongs + "a cluster, whose content is on its data servers, not in this"
        + " STORAGE_ROOT: serve it by running ostore-server-api with that cluster's"
        + " RABBITMQ_SERVER, or give this store another STORAGE_ROOT or METADATA_URL";
  }
}
