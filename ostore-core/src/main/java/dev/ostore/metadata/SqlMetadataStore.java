package dev.ostore.metadata;

import static java.util.Objects.requireNonNull;

import dev.ostore.ContentHash;
import dev.ostore.config.Options;
import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.Precondition;
import dev.ostore.metrics.CacheStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@link MetadataStore} in SQL tables, the same statements on SQLite and PostgreSQL. {@code
 * ostore_names} has one row per name with its latest version number, whether that version is
 * live, and the highest number it ever gave out (above the latest once the newest versions were
 * removed); {@code ostore_versions} has every version. A new number comes from one upsert of the
 * name's row, which the database serializes by row lock, so concurrent writers queue and never
 * collide or leave a gap; a delete is one conditional update of that row, so its check and its
 * tombstone are atomic too. Removals lock the row as well (see {@link VersionRemoval}).
 */
final class SqlMetadataStore implements MetadataStore {

  // The right-hand sides read the row as it was, on SQLite as on PostgreSQL.
  private static final String NEXT_NUMBER = "INSERT INTO ostore_names"
      + " (name, latest, live, highest) VALUES (?, 1, TRUE, 1) ON CONFLICT (name) DO UPDATE"
      + " SET latest = ostore_names.highest + 1, highest = ostore_names.highest + 1, live = TRUE"
      + " RETURNING latest";
  private static final String NEXT_TOMBSTONE = "UPDATE ostore_names"
      + " SET latest = highest + 1, highest = highest + 1, live = FALSE WHERE name = ? AND live"
      + " RETURNING latest";
  // Locks the name's row (a no-op update) and reads it: what a failed delete answers.
  static final String LOCK_NAME = "UPDATE ostore_names SET live = live WHERE name = ?"
      + " RETURNING latest, live";
  // The same for a name that may have no row yet: it gets one as if all its versions were removed.
  private static final String LOCK_OR_CREATE_NAME = "INSERT INTO ostore_names"
      + " (name, latest, live, highest) VALUES (?, 0, FALSE, 0) ON CONFLICT (name) DO UPDATE"
      + " SET live = ostore_names.live RETURNING latest, live";
  // A row that never gave out a number: only LOCK_OR_CREATE_NAME makes one, for a write that then
  // recorded nothing.
  private static final String DROP_UNNUMBERED_NAME = "DELETE FROM ostore_names"
      + " WHERE name = ? AND highest = 0";
  private static final String INSERT_VERSION = "INSERT INTO ostore_versions"
      + " (name, version, size, hash, created_millis) VALUES (?, ?, ?, ?, ?)";
  private static final String INSERT_TOMBSTONE = "INSERT INTO ostore_versions"
      + " (name, version, size, hash, created_millis) VALUES (?, ?, 0, NULL, ?)";
  // A version's columns, in the order version(ResultSet) reads them.
  private static final String COLUMNS = "name, version, size, hash, created_millis";
  private static final String LATEST = "SELECT " + COLUMNS + " FROM ostore_versions"
      + " WHERE name = ? ORDER BY version DESC LIMIT 1";
  private static final String VERSION = "SELECT " + COLUMNS + " FROM ostore_versions"
      + " WHERE name = ? AND version = ?";
  private static final String VERSIONS = "SELECT " + COLUMNS + " FROM ostore_versions"
      + " WHERE name = ? AND version > ? ORDER BY version LIMIT ?";
  // A prefix is a range of names, [prefix, prefixEnd): LIKE would take % and _ as wildcards.
  // Where the listing resumes is the range's one lower bound (see Cursor.resume).
  private static final String ALL_VERSIONS = "SELECT " + COLUMNS
      + " FROM ostore_versions WHERE (name, version) > (?, ?) AND name < ?"
      + " ORDER BY name, version LIMIT ?";
  private static final String ALL_VERSIONS_TO_END = "SELECT " + COLUMNS
      + " FROM ostore_versions WHERE (name, version) > (?, ?) ORDER BY name, version LIMIT ?";
  // From a name, inclusive, but for the one the cursor names (or "", which no name is).
  private static final String LIVE = "SELECT v.name, v.version, v.size, v.hash, v.created_millis"
      + " FROM ostore_names n JOIN ostore_versions v ON v.name = n.name AND v.version = n.latest"
      + " WHERE n.live AND n.name >= ? AND n.name <> ? AND n.name < ? ORDER BY n.name LIMIT ?";
  private static final String LIVE_TO_END = "SELECT v.name, v.version, v.size, v.hash,"
      + " v.created_millis"
      + " FROM ostore_names n JOIN ostore_versions v ON v.name = n.name AND v.version = n.latest"
      + " WHERE n.live AND n.name >= ? AND n.name <> ? ORDER BY n.name LIMIT ?";
  private static final String LAYOUT = "SELECT size, layout FROM ostore_contents WHERE hash = ?";
  private static final String REFERENCES = "SELECT 1 FROM ostore_versions WHERE hash = ? LIMIT 1";

  private final Database database;
  private final Migration migration;
  private final InstantSource clock;
  /**
   * An SQLite file's claim, whose cache of latest versions this store reads and keeps true;
   * empty for a database server.
   */
  private final Optional<SqliteClaims.Claim> claim;

  private SqlMetadataStore(Database database, Dialect dialect, InstantSource clock,
      Optional<StoreIdentity> owner, Optional<SqliteClaims.Claim> claim) {
    this.database = database;
    this.migration = new Migration(database, dialect, clock, owner);
    this.clock = clock;
    this.claim = claim;
  }

  static MetadataStore embedded(Path file, Optional<StoreIdentity> owner, InstantSource clock)
      throws OstoreException {
    Path absolute = file.toAbsolutePath();
    try {
      Files.createDirectories(absolute.getParent());
    } catch (IOException e) {
      throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE,
          "cannot create the directory of the metadata store " + absolute + ": " + e, e);
    }
    return start(SqliteDialect.INSTANCE, JdbcUrls.sqlite(absolute), false, owner, clock);
  }

  /** A store at {@code jdbcUrl}; {@code clock} dates versions and times outages. */
  static MetadataStore open(String jdbcUrl, Optional<StoreIdentity> owner, InstantSource clock)
      throws OstoreException {
    return start(JdbcUrls.dialectOf(jdbcUrl), jdbcUrl, true, owner, clock);
  }

  /**
   * Opens the store, brings its schema up to date and claims it for {@code owner}. Unlike a file
   * of our own, a database server may be down when an api server starts, as the broker may: with
   * {@code waitForDatabase} the store then starts anyway, each call is METADATA_UNAVAILABLE until
   * the database answers, and the first call that reaches it migrates the schema. Any other
   * failure stops the start, with what an operator needs to know in its message. An SQLite
   * file is claimed first: another process that has it open refuses the start.
   */
  private static MetadataStore start(Dialect dialect, String jdbcUrl, boolean waitForDatabase,
      Optional<StoreIdentity> owner, InstantSource clock) throws OstoreException {
    Optional<Path> file = JdbcUrls.sqliteFile(jdbcUrl);
    Optional<SqliteClaims.Claim> claim =
        file.isPresent() ? Optional.of(SqliteClaims.claim(file.get())) : Optional.empty();
    Database database;
    try {
      database = new Database(dialect, jdbcUrl, Options.redact(jdbcUrl), clock);
    } catch (RuntimeException e) {
      claim.ifPresent(SqliteClaims.Claim::close);
      throw e;
    }
    SqlMetadataStore store = new SqlMetadataStore(database, dialect, clock, owner, claim);
    try {
      store.migration.ensure();
    } catch (OstoreException e) {
      Optional<String> outage = database.outage();
      if (waitForDatabase && outage.isPresent()) {
        return store; // Outages logged it.
      }
      store.close();
      throw new OstoreException(e.code(), outage.orElseGet(() -> "metadata store "
          + database.name() + " failed to migrate the schema: "
          + Outages.firstLine(e.getCause() != null ? e.getCause() : e)), e);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /**
   * Brings the schema up to date, once: after that, a read of a volatile flag. A schema newer
   * than this code, or a database of another store, found here rather than at start (the
   * database was down then), makes the call unavailable with the reason, as an unreachable
   * database does, instead of an internal error.
   */
  private void migrate() throws OstoreException {
    try {
      migration.ensure();
    } catch (IllegalStateException e) {
      throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE, e.getMessage());
    }
  }

  private <T> T read(String what, Database.Work<T> work) throws OstoreException {
    migrate();
    return database.read(what, work);
  }

  private <T> T write(String what, Database.Work<T> work) throws OstoreException {
    migrate();
    return database.write(what, work);
  }

  /** A write of {@code name}'s versions that adds none: the cache forgets the name at its end. */
  private <T> T writeVersions(String name, String what, Database.Work<T> work)
      throws OstoreException {
    return writeVersions(name, what, work, done -> Optional.empty());
  }

  /**
   * A write of {@code name}'s versions; the version {@code added} finds in what it did, the
   * name's latest once committed, is kept in the cache; without one the cache forgets the name.
   */
  private <T> T writeVersions(String name, String what, Database.Work<T> work,
      Function<? super T, Optional<Version>> added) throws OstoreException {
    if (claim.isEmpty()) {
      return write(what, work);
    }
    SqliteClaims.Write write = claim.get().writing();
    Optional<Version> latest = Optional.empty();
    try {
      T done = write(what, work);
      latest = added.apply(done);
      return done;
    } finally {
      write.ended(name, latest);
    }
  }

  @Override
  public Optional<Version> latest(String name) throws OstoreException {
    checkName(name);
    LatestVersions.Read read = () -> read("read the latest version of " + name,
        session -> first(session, LATEST, name));
    return claim.isPresent() ? claim.get().latest(name, read) : read.latest();
  }

  @Override
  public Optional<Version> version(String name, long number) throws OstoreException {
    checkName(name);
    return read("read version " + number + " of " + name,
        session -> first(session, VERSION, name, number));
  }

  @Override
  public Version add(String name, long size, ContentHash hash, Precondition condition)
      throws OstoreException {
    return addVersion(name, size, hash, Optional.empty(), Optional.empty(), condition);
  }

  @Override
  public Version add(String name, long size, ContentHash hash, String layout,
      Precondition condition) throws OstoreException {
    requireNonNull(layout, "layout");
    refuseInline(new ContentLayout(size, layout));
    return addVersion(name, size, hash, Optional.of(layout), Optional.empty(), condition);
  }

  @Override
  public Version add(String name, ContentHash hash, InlineContent content,
      Precondition condition) throws OstoreException {
    requireNonNull(content, "content");
    return addVersion(name, content.layout().size(), hash,
        Optional.of(content.layout().layout()), Optional.of(content.stored()), condition);
  }

  /**
   * What a write under a condition did: its result, or, when the condition refused it, the
   * name's live version as the write found it (empty: none).
   */
  private record Conditional<T>(T result, boolean refused, Optional<Version> live) {
    static <T> Conditional<T> done(T result) {
      return new Conditional<>(result, false, Optional.empty());
    }

    static <T> Conditional<T> refused(Optional<Version> live) {
      return new Conditional<>(null, true, live);
    }

    T orRefusedBy(Precondition condition, String name) throws OstoreException {
      if (refused) {
        throw Version.refusal(condition, name, live);
      }
      return result;
    }
  }

  /**
   * Adds a version; with {@code layout}, records it for the content in the same transaction, and
   * with {@code inline} the content's stored bytes too.
   */
  private Version addVersion(String name, long size, ContentHash hash, Optional<String> layout,
      Optional<byte[]> inline, Precondition condition) throws OstoreException {
    checkName(name);
    requireNonNull(hash, "hash");
    requireNonNull(condition, "condition");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    byte[] digest = hash.bytes();
    Optional<Version> added = writeVersions(name, "add a version of " + name, session -> {
      if (!condition.isNone()) {
        Optional<Version> live = lockedLive(session, name, true);
        if (!Version.allows(condition, live)) {
          update(session, DROP_UNNUMBERED_NAME, name);
          return Conditional.<Optional<Version>>refused(live);
        }
      }
      // Touches and revives the content in the transaction that refers to it: see ContentTable.
      if (layout.isPresent()) {
        if (!(inline.isPresent()
            ? ContentTable.recordInline(session, digest, size, layout.get(), clock.millis(),
                inline.get())
            : ContentTable.record(session, digest, size, layout.get(), clock.millis()))) {
          update(session, DROP_UNNUMBERED_NAME, name);
          return Conditional.done(Optional.<Version>empty());
        }
      } else {
        ContentTable.revive(session, digest, clock.millis());
      }
      long next = session.returning(NEXT_NUMBER, name).orElseThrow();
      long now = clock.millis();
      update(session, INSERT_VERSION, name, next, size, digest, now);
      return Conditional.done(Optional.of(
          new Version(name, next, size, Optional.of(hash), Instant.ofEpochMilli(now))));
    }, done -> done.refused() ? Optional.empty() : done.result()).orRefusedBy(condition, name);
    if (added.isEmpty()) {
      throw otherLayout(hash, layout.orElseThrow(), "no version of " + name + " recorded");
    }
    return added.get();
  }

  /**
   * The live version of {@code name}, its row locked for the rest of the transaction; with
   * {@code create}, a name never seen gets a row (with no version) to lock, so that two writes of
   * a new name under a condition are one after the other too; a write that then records nothing
   * drops it again ({@link #DROP_UNNUMBERED_NAME}), so that refused names leave no rows behind.
   */
  private Optional<Version> lockedLive(Session session, String name, boolean create)
      throws SQLException {
    try (ResultSet row = session.statement(create ? LOCK_OR_CREATE_NAME : LOCK_NAME, name)
        .executeQuery()) {
      if (!row.next() || row.getLong(1) == 0 || !row.getBoolean(2)) {
        return Optional.empty();
      }
      return first(session, VERSION, name, row.getLong(1));
    }
  }

  /**
   * The content is recorded with a layout other than {@code layout}, which a write made under
   * other settings (erasure code, small-object limit, compression) than those it was stored
   * with.
   */
  private OstoreException otherLayout(ContentHash hash, String layout, String outcome)
      throws OstoreException {
    String recorded = layout(hash).map(ContentLayout::layout).orElse("another");
    return new OstoreException(ErrorCode.CONFLICT, "content " + hash.hex() + " is stored as "
        + recorded + ", not as " + layout + " (stored under other settings): " + outcome
        + "; it can be stored so once a collection has taken the old content");
  }

  @Override
  public Optional<ContentLayout> layout(ContentHash hash) throws OstoreException {
    byte[] digest = hash.bytes();
    return read("look up the layout of " + hash, session -> {
      try (ResultSet rows = session.statement(LAYOUT, digest).executeQuery()) {
        return rows.next()
            ? Optional.of(new ContentLayout(rows.getLong(1), rows.getString(2)))
            : Optional.empty();
      }
    });
  }

  /** Content kept inline is recorded with its bytes, or a reader would find none. */
  private static void refuseInline(ContentLayout layout) {
    if (layout.isInline()) {
      throw new IllegalArgumentException("content kept inline is recorded with its bytes: "
          + layout.layout());
    }
  }

  @Override
  public Optional<byte[]> inline(ContentHash hash) throws OstoreException {
    byte[] digest = hash.bytes();
    return read("read the content " + hash,
        session -> Optional.ofNullable(ContentTable.inline(session, digest)));
  }

  @Override
  public void recordLayout(ContentHash hash, long size, String layout) throws OstoreException {
    requireNonNull(layout, "layout");
    refuseInline(new ContentLayout(size, layout));
    boolean recorded = write("record the layout of " + hash, session ->
        ContentTable.record(session, hash.bytes(), size, layout, clock.millis()));
    if (!recorded) {
      throw otherLayout(hash, layout, "not recorded");
    }
  }

  @Override
  public List<ContentEntry> contents(Optional<ContentHash> after, int limit)
      throws OstoreException {
    checkLimit(limit);
    return read("list the table of contents", session -> ContentTable.page(session, after, limit));
  }

  @Override
  public List<ContentHash> wholeContents(Optional<ContentHash> after, int limit)
      throws OstoreException {
    checkLimit(limit);
    return read("list the contents stored whole",
        session -> ContentTable.whole(session, after, limit));
  }

  @Override
  public boolean lease(String name, String holder, Instant now, Duration term)
      throws OstoreException {
    long until = now.plus(term).toEpochMilli();
    return write("take the lease " + name,
        session -> LeaseTable.take(session, name, holder, now.toEpochMilli(), until));
  }

  @Override
  public void release(String name, String holder) throws OstoreException {
    write("release the lease " + name, session -> {
      LeaseTable.release(session, name, holder);
      return null;
    });
  }

  @Override
  public void createUpload(UploadRecord upload) throws OstoreException {
    requireNonNull(upload, "upload");
    checkName(upload.name());
    write("record the upload " + upload.id(), session -> {
      UploadTable.insert(session, upload, clock.millis());
      return null;
    });
  }

  @Override
  public Optional<UploadRecord> upload(String id) throws OstoreException {
    requireNonNull(id, "id");
    return read("read the upload " + id, session -> UploadTable.select(session, id));
  }

  @Override
  public boolean advanceUpload(UploadRecord upload, String holder, Instant now)
      throws OstoreException {
    requireNonNull(holder, "holder");
    return write("record the progress of the upload " + upload.id(),
        session -> UploadTable.advance(session, upload, holder, now.toEpochMilli()));
  }

  @Override
  public boolean deleteUpload(String id) throws OstoreException {
    requireNonNull(id, "id");
    return write("delete the upload " + id, session -> UploadTable.delete(session, id));
  }

  @Override
  public List<UploadRecord> expiredUploads(Instant now, int limit) throws OstoreException {
    checkLimit(limit);
    return read("list the expired uploads",
        session -> UploadTable.expired(session, now.toEpochMilli(), limit));
  }

  @Override
  public byte[] secret(String name, byte[] candidate) throws OstoreException {
    requireNonNull(name, "name");
    if (candidate.length == 0) {
      throw new IllegalArgumentException("an empty secret");
    }
    return write("read the secret " + name,
        session -> UploadTable.secret(session, name, candidate, clock.millis()));
  }

  @Override
  public Deletion delete(String name, Precondition condition) throws OstoreException {
    checkName(name);
    requireNonNull(condition, "condition");
    return writeVersions(name, "delete " + name, session -> {
      if (!condition.isNone()) {
        Optional<Version> live = lockedLive(session, name, false);
        if (live.isPresent() && !Version.allows(condition, live)) {
          return Conditional.<Deletion>refused(live);
        }
      }
      return Conditional.done(deleteLive(session, name));
    }).orRefusedBy(condition, name);
  }

  private Deletion deleteLive(Session session, String name) throws SQLException {
    Optional<Long> next = session.returning(NEXT_TOMBSTONE, name);
    if (next.isEmpty()) {
      // Nothing was live when the update looked. Why is read with the row locked, in this
      // transaction: re-read after it, the answer could name a version added since.
      try (ResultSet row = session.statement(LOCK_NAME, name).executeQuery()) {
        // Latest 0: every version of the name was removed, which is as if it never existed.
        if (!row.next() || row.getLong(1) == 0) {
          return Deletion.neverExisted();
        }
        if (!row.getBoolean(2)) {
          return Deletion.deletedAlready(
              first(session, VERSION, name, row.getLong(1)).orElseThrow());
        }
      }
      // Added after the update looked (PostgreSQL's snapshot) and locked now: delete it.
      next = session.returning(NEXT_TOMBSTONE, name);
    }
    long now = clock.millis();
    update(session, INSERT_TOMBSTONE, name, next.orElseThrow(), now);
    return Deletion.recorded(
        new Version(name, next.get(), 0, Optional.empty(), Instant.ofEpochMilli(now)));
  }

  @Override
  public Page versions(String name, Optional<String> after, int limit) throws OstoreException {
    checkName(name);
    checkLimit(limit);
    long from = after.map(cursor -> numberAfter(name, cursor)).orElse(0L);
    return read("list the versions of " + name,
        session -> page(session, limit, VERSIONS, name, from, limit + 1));
  }

  @Override
  public Page allVersions(String prefix, Optional<String> after, int limit)
      throws OstoreException {
    checkPrefix(prefix);
    checkLimit(limit);
    Cursor from = Cursor.resume(prefix, after);
    Optional<String> end = prefixEnd(prefix);
    return read("list the versions of names starting with " + prefix, session -> end.isPresent()
        ? page(session, limit, ALL_VERSIONS, from.name(), from.number(), end.get(), limit + 1)
        : page(session, limit, ALL_VERSIONS_TO_END, from.name(), from.number(), limit + 1));
  }

  @Override
  public Page latestVersions(String prefix, Optional<String> after, int limit)
      throws OstoreException {
    checkPrefix(prefix);
    checkLimit(limit);
    Cursor from = Cursor.resume(prefix, after);
    String excluded = from.number() == 0 ? "" : from.name();
    Optional<String> end = prefixEnd(prefix);
    return read("list the objects starting with " + prefix, session -> end.isPresent()
        ? page(session, limit, LIVE, from.name(), excluded, end.get(), limit + 1)
        : page(session, limit, LIVE_TO_END, from.name(), excluded, limit + 1));
  }

  @Override
  public boolean references(ContentHash hash) throws OstoreException {
    requireNonNull(hash, "hash");
    byte[] digest = hash.bytes();
    return read("look for versions of " + hash, session -> {
      try (ResultSet rows = session.statement(REFERENCES, digest).executeQuery()) {
        return rows.next();
      }
    });
  }

  @Override
  public void check() throws OstoreException {
    read("answer a health check", session -> {
      try (ResultSet rows = session.statement("SELECT 1").executeQuery()) {
        return rows.next();
      }
    });
  }

  @Override
  public boolean readsLocally() {
    return claim.isPresent();
  }

  @Override
  public Optional<CacheStats> latestVersionsCache() {
    return claim.map(SqliteClaims.Claim::latestVersions);
  }

  @Override
  public void addOutageListener(OutageListener listener) {
    database.addOutageListener(requireNonNull(listener, "listener"));
  }

  @Override
  public void close() {
    database.close();
    claim.ifPresent(SqliteClaims.Claim::close);
  }

  /**
   * The least string above every string that starts with {@code prefix}, in code point order
   * (which is the byte order of UTF-8); empty when no string is above them all.
   */
  private static Optional<String> prefixEnd(String prefix) {
    int[] points = prefix.codePoints().toArray();
    for (int i = points.length - 1; i >= 0; i--) {
      if (points[i] < Character.MAX_CODE_POINT) {
        int next = points[i] + 1 == Character.MIN_SURROGATE
            ? Character.MAX_SURROGATE + 1
            : points[i] + 1;
        return Optional.of(new String(points, 0, i) + Character.toString(next));
      }
    }
    return Optional.empty();
  }

  /** The version number {@code cursor} stopped at, which must be a cursor of {@code name}. */
  private static long numberAfter(String name, String cursor) {
    Cursor decoded = Cursor.decode(cursor);
    if (!decoded.name().equals(name)) {
      throw new IllegalArgumentException("bad cursor: " + cursor + " is not of " + name);
    }
    return decoded.number();
  }

  private static void checkName(String name) {
    ObjectName.of(name);
  }

  /** Unpaired surrogates and NUL would reach the database garbled or refused: a wrong answer. */
  private static void checkPrefix(String prefix) {
    requireNonNull(prefix, "prefix");
    prefix.codePoints().forEach(point -> {
      if (Character.isISOControl(point) || Character.getType(point) == Character.SURROGATE) {
        throw new IllegalArgumentException(String.format(
            "prefix contains the character U+%04X, which no name has", point));
      }
    });
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", not " + limit);
    }
  }

  private static Optional<Version> first(Session session, String sql, Object... parameters)
      throws SQLException {
    try (ResultSet rows = session.statement(sql, parameters).executeQuery()) {
      return rows.next() ? Optional.of(version(rows)) : Optional.empty();
    }
  }

  /** Runs a query for {@code limit + 1} rows: the extra one only tells whether more follow. */
  private static Page page(Session session, int limit, String sql, Object... parameters)
      throws SQLException {
    List<Version> versions = new ArrayList<>();
    boolean more = false;
    try (ResultSet rows = session.statement(sql, parameters).executeQuery()) {
      while (rows.next()) {
        if (versions.size() == limit) {
          more = true;
          break;
        }
        versions.add(version(rows));
      }
    }
    Optional<String> next = more
        ? Optional.of(Cursor.after(versions.get(versions.size() - 1)).encode())
        : Optional.empty();
    return new Page(versions, next);
  }

  private static void update(Session session, String sql, Object... parameters)
      throws SQLException {
    session.statement(sql, parameters).executeUpdate();
  }

  static Version version(ResultSet row) throws SQLException {
    byte[] hash = row.getBytes(4);
    return new Version(row.getString(1), row.getLong(2), row.getLong(3),
        Optional.ofNullable(hash).map(ContentHash::of), Instant.ofEpochMilli(row.getLong(5)));
  }

  @Override
  public Optional<Version> deleteVersion(String name, long number) throws OstoreException {
    checkName(name);
    if (number < 1) {
      return Optional.empty();
    }
    return writeVersions(name, "remove version " + number + " of " + name,
        session -> VersionRemoval.remove(session, name, number, clock.millis()));
  }

  /**
   * Counts what each name would lose with a read first, and writes only for the names that lose
   * something: most names of a pass have nothing to remove, and a write per name would take the
   * one SQLite writer (or a PostgreSQL row lock) for nothing.
   */
  @Override
  public Retention applyRetention(int keep, Optional<Instant> createdBefore,
      Optional<String> after, int limit) throws OstoreException {
    if (keep < 0) {
      throw new IllegalArgumentException("keep must not be negative: " + keep);
    }
    requireNonNull(createdBefore, "createdBefore");
    after.ifPresent(SqlMetadataStore::checkName);
    checkLimit(limit);
    long cutoff = createdBefore.map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
    List<String> names = read("list the names to apply retention to",
        session -> VersionRemoval.names(session, after.orElse(""), limit + 1));
    boolean more = names.size() > limit;
    long removed = 0;
    for (String name : more ? names.subList(0, limit) : names) {
      long expired = read("apply retention to " + name,
          session -> VersionRemoval.expired(session, name, keep, cutoff));
      if (expired > 0) {
        removed += writeVersions(name, "apply retention to " + name, session ->
            VersionRemoval.removeExpired(session, name, keep, cutoff, clock.millis()));
      }
    }
    return new Retention(removed, more ? Optional.of(names.get(limit - 1)) : Optional.empty());
  }

  @Override
  public List<ContentEntry> unreferenced(Instant touchedBefore, Optional<ContentHash> after,
      int limit) throws OstoreException {
    checkLimit(limit);
    long before = touchedBefore.toEpochMilli();
    return read("list the unreferenced contents",
        session -> ContentTable.unreferenced(session, before, after, limit));
  }

  @Override
  public Set<ContentHash> condemn(List<ContentEntry> contents, Instant touchedBefore, Instant at)
      throws OstoreException {
    requireNonNull(contents, "contents");
    long before = touchedBefore.toEpochMilli();
    long atMillis = at.toEpochMilli();
    // One transaction for the page: one forced commit instead of one per content.
    return write("condemn " + contents.size() + " contents", session -> {
      Set<ContentHash> condemned = new LinkedHashSet<>();
      for (ContentEntry entry : contents) {
        if (ContentTable.condemn(session, entry.hash(), entry.layout(), before, atMillis)) {
          condemned.add(entry.hash());
        }
      }
      return condemned;
    });
  }

  @Override
  public Set<ContentHash> forget(Collection<ContentHash> hashes, Instant condemnedAt)
      throws OstoreException {
    requireNonNull(hashes, "hashes");
    long condemned = condemnedAt.toEpochMilli();
    return write("forget " + hashes.size() + " contents", session -> {
      Set<ContentHash> forgotten = new LinkedHashSet<>();
      for (ContentHash hash : hashes) {
        if (ContentTable.forget(session, hash, condemned)) {
          forgotten.add(hash);
        }
      }
      return forgotten;
    });
  }

  @Override
  public Set<ContentHash> wanted(Collection<ContentHash> hashes) throws OstoreException {
    requireNonNull(hashes, "hashes");
    // One transaction for the page: a holding scan asks about every held shard, each pass.
    return read("look up whether " + hashes.size() + " contents are wanted", session -> {
      Set<ContentHash> wanted = new LinkedHashSet<>();
      for (ContentHash hash : hashes) {
        if (ContentTable.wanted(session, hash)) {
          wanted.add(hash);
        }
      }
      return wanted;
    });
  }

}
