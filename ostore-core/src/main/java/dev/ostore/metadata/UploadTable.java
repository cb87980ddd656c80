package dev.ostore.metadata;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.compress.CompressorState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The statements of {@code ostore_uploads}, one row per resumable upload, and of {@code
 * ostore_secrets}. Shard servers and failed shards are kept as comma-separated text: they are
 * only ever read and written whole, with their row.
 */
final class UploadTable {
  private static final String COLUMNS = "id, name, size, declared, layout, servers,"
      + " server_ids, expires_millis, stripes, tail, compressor, failed";
  private static final String INSERT = "INSERT INTO ostore_uploads (" + COLUMNS
      + ", created_millis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM ostore_uploads WHERE id = ?";
  // Only while the writer's lease is its own and unexpired: a writer that lost it keeps nothing.
  private static final String ADVANCE = "UPDATE ostore_uploads SET stripes = ?, tail = ?,"
      + " compressor = ?, failed = ? WHERE id = ? AND EXISTS (SELECT 1 FROM ostore_leases"
      + " WHERE name = ? AND holder = ? AND expires_millis > ?)";
  private static final String DELETE = "DELETE FROM ostore_uploads WHERE id = ?";
  private static final String DELETE_LEASE = "DELETE FROM ostore_leases WHERE name = ?";
  private static final String EXPIRED = "SELECT " + COLUMNS + " FROM ostore_uploads"
      + " WHERE expires_millis <= ? ORDER BY expires_millis LIMIT ?";
  private static final String OFFER_SECRET = "INSERT INTO ostore_secrets"
      + " (name, secret, created_millis) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING";
  private static final String SECRET = "SELECT secret FROM ostore_secrets WHERE name = ?";

  private UploadTable() {}

  static void insert(Session session, UploadRecord upload, long nowMillis) throws SQLException {
    session.statement(INSERT, upload.id(), upload.name(), upload.size(),
        upload.declared().map(ContentHash::bytes).orElse(null), upload.layout(),
        join(upload.servers()),
        join(upload.serverIds().stream().map(id -> id.map(ServerId::toString).orElse(""))
            .toList()), upload.expires().toEpochMilli(), upload.stripes(),
        upload.tail(), compressor(upload), join(upload.failed()), nowMillis).executeUpdate();
  }

  static Optional<UploadRecord> select(Session session, String id) throws SQLException {
    try (ResultSet rows = session.statement(SELECT, id).executeQuery()) {
      return rows.next() ? Optional.of(upload(rows)) : Optional.empty();
    }
  }

  static boolean advance(Session session, UploadRecord upload, String holder, long nowMillis)
      throws SQLException {
    return session.statement(ADVANCE, upload.stripes(), upload.tail(), compressor(upload),
        join(upload.failed()), upload.id(), upload.leaseName(), holder, nowMillis)
        .executeUpdate() == 1;
  }

  static boolean delete(Session session, String id) throws SQLException {
    session.statement(DELETE_LEASE, UploadRecord.leaseName(id)).executeUpdate();
    return session.statement(DELETE, id).executeUpdate() == 1;
  }

  static List<UploadRecord> expired(Session session, long nowMillis, int limit)
      throws SQLException {
    List<UploadRecord> uploads = new ArrayList<>();
    try (ResultSet rows = session.statement(EXPIRED, nowMillis, limit).executeQuery()) {
      while (rows.next()) {
        uploads.add(upload(rows));
      }
    }
    return uploads;
  }

  static byte[] secret(Session session, String name, byte[] candidate, long nowMillis)
      throws SQLException {
    session.statement(OFFER_SECRET, name, candidate, nowMillis).executeUpdate();
    try (ResultSet rows = session.statement(SECRET, name).executeQuery()) {
      rows.next();
      return rows.getBytes(1);
    }
  }

  private static UploadRecord upload(ResultSet row) throws SQLException {
    byte[] declared = row.getBytes(4);
    byte[] compressor = row.getBytes(11);
    String failed = row.getString(12);
    return new UploadRecord(row.getString(1), row.getString(2), row.getLong(3),
        Optional.ofNullable(declared).map(ContentHash::of), row.getString(5),
        Arrays.stream(row.getString(6).split(",")).map(ServerAddress::parse).toList(),
        Arrays.stream(row.getString(7).split(",", -1))
            .map(id -> id.isEmpty() ? Optional.<ServerId>empty() : Optional.of(ServerId.parse(id)))
            .toList(),
        Instant.ofEpochMilli(row.getLong(8)), row.getLong(9), row.getBytes(10),
        Optional.ofNullable(compressor).map(CompressorState::parse),
        failed.isEmpty() ? Set.of() : Arrays.stream(failed.split(","))
            .map(Integer::valueOf).collect(Collectors.toSet()));
  }

  private static byte[] compressor(UploadRecord upload) {
    return upload.compressor().map(CompressorState::bytes).orElse(null);
  }

  private static String join(Iterable<?> items) {
    List<String> texts = new ArrayList<>();
    items.forEach(item -> texts.add(item.toString()));
    return String.join(",", texts);
  }
}
