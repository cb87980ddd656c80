package dev.ostore.metadata;

import dev.ostore.ContentHash;
import dev.ostore.Precondition;
import dev.ostore.metrics.CacheStats;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The versions of named objects: which content (a {@link ContentHash}) each version of a name has,
 * and which versions are deletions. Version numbers of a name are 1, 2, 3... without gap, assigned
 * atomically even when several writers, in this process or in others sharing the database, add to
 * one name at once.
 *
 * <p>Names follow {@link dev.ostore.ObjectName}'s rules; a name that breaks one is an {@link
 * IllegalArgumentException}. Listings are ordered by name in the byte order of its UTF-8, then by
 * version, and paged with keyset cursors (see {@link Page}).
 *
 * <p>A failure of the database (unreachable, I/O error, too busy to answer in time) is an {@link
 * dev.ostore.OstoreException} with code {@code METADATA_UNAVAILABLE}; the store recovers by itself
 * once the database is back. Implementations are thread-safe; calls after {@link #close()} throw
 * {@link IllegalStateException}.
 *
 * <pre>{@code
 * try (MetadataStore store = MetadataStore.embedded(Path.of("/var/lib/ostore/metadata.db"))) {
 *   Version v = store.add("report.pdf", 1234, hash);        // version 1
 *   store.delete("report.pdf");                              // version 2, a tombstone
 *   store.version("report.pdf", 1);                          // still readable
 * }
 * }</pre>
 */
public interface MetadataStore extends AutoCloseable {
  /** The most versions one page may hold. */
  int MAX_LIMIT = 10_000;

  /**
   * A store in the SQLite database {@code file}, created with its parent directories when
   * missing: the default of the one-command store and of the in-process cluster. The file is this
   * process's while any store of it here is open (another process's store of it is refused with
   * {@code METADATA_UNAVAILABLE}), which lets the stores of this process keep the latest versions
   * of names read lately in memory.
   */
  static MetadataStore embedded(Path file) throws IOException {
    return SqlMetadataStore.embedded(file, Optional.empty(), InstantSource.system());
  }

  /**
   * As {@link #embedded(Path)}, for the store {@code owner}: the database is recorded as its own
   * when no store has claimed it yet, and refused with an {@link IllegalStateException} saying
   * what to do when it belongs to another store (see {@link StoreIdentity}).
   */
  static MetadataStore embedded(Path file, StoreIdentity owner) throws IOException {
    return SqlMetadataStore.embedded(file, Optional.of(owner), InstantSource.system());
  }

  /**
   * A store in the database at {@code jdbcUrl}: PostgreSQL for {@code jdbc:postgresql:} URLs, so
   * that several api servers share one store, SQLite for {@code jdbc:sqlite:} URLs (one process's
   * file, as for {@link #embedded(Path)}). Any other URL
   * is an {@link IllegalArgumentException} naming it, password hidden. The schema is created or
   * migrated before this returns; when the database cannot be reached, the store opens anyway, its
   * calls fail with {@code METADATA_UNAVAILABLE} until it can, and the first that reaches it
   * migrates the schema.
   */
  static MetadataStore open(String jdbcUrl) throws IOException {
    return SqlMetadataStore.open(jdbcUrl, Optional.empty(), InstantSource.system());
  }

  /**
   * As {@link #open(String)}, for the store {@code owner}, claimed or checked as {@link
   * #embedded(Path, StoreIdentity)} does; when the database cannot be reached at once, the first
   * call that reaches it does so, and fails with the reason if it belongs to another store.
   */
  static MetadataStore open(String jdbcUrl, StoreIdentity owner) throws IOException {
    return SqlMetadataStore.open(jdbcUrl, Optional.of(owner), InstantSource.system());
  }

  /**
   * Refuses, with an {@link IllegalArgumentException} naming it (password hidden), a JDBC URL
   * that {@link #open} would refuse: for checking a configuration before anything starts.
   */
  static void checkUrl(String jdbcUrl) {
    JdbcUrls.dialectOf(jdbcUrl);
  }

  /** The newest version of {@code name}, tombstone included; empty when it never existed. */
  Optional<Version> latest(String name) throws IOException;

  /** Version {@code number} of {@code name}; empty when there is no such version. */
  Optional<Version> version(String name, long number) throws IOException;

  /**
   * Fails with {@code PRECONDITION_FAILED} when {@code condition} does not hold for the name's
   * current content as a plain read finds it: an early answer only, which spares a write sure to
   * fail its body; the write checks again where it records.
   */
  default void check(String name, Precondition condition) throws IOException {
    if (condition.isNone()) {
      return;
    }
    Optional<Version> live = latest(name).filter(version -> !version.isTombstone());
    if (!Version.allows(condition, live)) {
      throw Version.refusal(condition, name, live);
    }
  }

  /** Records the next version of {@code name}, whose content is {@code hash}. */
  default Version add(String name, long size, ContentHash hash) throws IOException {
    return add(name, size, hash, Precondition.NONE);
  }

  /**
   * Records the next version of {@code name}, whose content is {@code hash}, if {@code
   * condition} holds for the name's current content, checked in the same transaction; else
   * records nothing and fails with {@code PRECONDITION_FAILED}.
   */
  Version add(String name, long size, ContentHash hash, Precondition condition)
      throws IOException;

  /**
   * Records a tombstone as the next version of {@code name}, unless there is no live object of
   * that name: it never existed, or its latest version is already a tombstone, which the answer
   * then gives. The check, the record and the answer are one atomic step.
   */
  default Deletion delete(String name) throws IOException {
    return delete(name, Precondition.NONE);
  }

  /**
   * Deletes as {@link #delete(String)} does when there is a live object of that name and {@code
   * condition} holds for its content, checked in the same step; fails with {@code
   * PRECONDITION_FAILED}, recording nothing, when there is one and the condition does not hold.
   */
  Deletion delete(String name, Precondition condition) throws IOException;

  /**
   * Adds a version as {@link #add(String, long, ContentHash)} does, and records in the same
   * transaction how its content is laid out on the data servers, unless that is recorded already
   * (content is stored once). Content recorded with another layout (stored under other settings)
   * is a {@code CONFLICT}, and nothing is recorded: its shards and the new ones share names, so
   * a version must not refer to it as either.
   */
  default Version add(String name, long size, ContentHash hash, String layout)
      throws IOException {
    return add(name, size, hash, layout, Precondition.NONE);
  }

  /**
   * Adds a version with its layout as {@link #add(String, long, ContentHash, String)} does, if
   * {@code condition} holds, as {@link #add(String, long, ContentHash, Precondition)} says.
   */
  Version add(String name, long size, ContentHash hash, String layout, Precondition condition)
      throws IOException;

  /**
   * Adds a version with its layout as {@link #add(String, long, ContentHash, String,
   * Precondition)} does, for content kept in the metadata store: its stored bytes are recorded
   * in the same transaction, unless they are already, so that the one commit makes the content
   * durable. Content recorded with another layout (in shards) is a {@code CONFLICT}, and nothing
   * is recorded.
   */
  Version add(String name, ContentHash hash, InlineContent content, Precondition condition)
      throws IOException;

  /**
   * How the content is laid out, as recorded by {@link #add(String, long, ContentHash, String)}.
   */
  Optional<ContentLayout> layout(ContentHash hash) throws IOException;

  /**
   * The stored bytes of content kept in the metadata store ({@link ContentLayout#isInline});
   * empty when none are kept. They are as the database returns them: the caller checks them
   * against the hash.
   */
  Optional<byte[]> inline(ContentHash hash) throws IOException;

  /**
   * Records how content is laid out without adding a version, unless that is recorded already:
   * for content that versions refer to already, converted from a whole copy to shards. Another
   * layout recorded already is a {@code CONFLICT}, as for {@link #add(String, long, ContentHash,
   * String)}.
   */
  void recordLayout(ContentHash hash, long size, String layout) throws IOException;

  /**
   * Up to {@code limit} entries of the table of contents in hash order (the order of {@link
   * dev.ostore.ShardId}), after {@code after}; {@code limit} is 1 to {@link #MAX_LIMIT}.
   */
  List<ContentEntry> contents(Optional<ContentHash> after, int limit) throws IOException;

  /**
   * Up to {@code limit} contents, in hash order after {@code after}, that versions refer to but
   * the table of contents lacks: stored whole on one data server, before erasure coding.
   */
  List<ContentHash> wholeContents(Optional<ContentHash> after, int limit) throws IOException;

  /**
   * Takes or renews the lease {@code name} for {@code holder} until {@code now + term}, unless
   * another holder has it and it has not expired by {@code now}; returns whether {@code holder}
   * holds it. Callers on several machines pass their own clocks: keep the term well above their
   * skew.
   */
  boolean lease(String name, String holder, Instant now, Duration term) throws IOException;

  /** Gives the lease {@code name} up, if {@code holder} holds it. */
  void release(String name, String holder) throws IOException;

  /** Records a new resumable upload; an upload of that id already recorded is an error. */
  void createUpload(UploadRecord upload) throws IOException;

  /** The upload {@code id}; empty when it was never recorded, or is finished or deleted. */
  Optional<UploadRecord> upload(String id) throws IOException;

  /**
   * Records how far {@code upload} got (its stripes, tail, compressor and failed shards), but
   * only while {@code holder} holds its lease ({@link UploadRecord#leaseName()}) unexpired at
   * {@code now}: returns whether it did. The check and the update are one atomic step.
   */
  boolean advanceUpload(UploadRecord upload, String holder, Instant now) throws IOException;

  /** Deletes the upload {@code id} and its lease; false when there was none. */
  boolean deleteUpload(String id) throws IOException;

  /** Up to {@code limit} uploads that expired by {@code now}, those that expired first first. */
  List<UploadRecord> expiredUploads(Instant now, int limit) throws IOException;

  /**
   * The secret {@code name} that every server of the store shares: {@code candidate} when none
   * was recorded yet (it is then recorded), else the one recorded first. Every caller, however
   * many race, gets the same bytes.
   */
  byte[] secret(String name, byte[] candidate) throws IOException;

  /**
   * Up to {@code limit} versions of {@code name}, oldest first, after the cursor {@code after}
   * (from the start when empty). {@code limit} is 1 to {@link #MAX_LIMIT}; a malformed cursor, or
   * one from a listing of another name, is an {@link IllegalArgumentException}.
   */
  Page versions(String name, Optional<String> after, int limit) throws IOException;

  /**
   * Up to {@code limit} versions of every name starting with {@code prefix} ("" for all names),
   * by name then version, after the cursor {@code after}.
   */
  Page allVersions(String prefix, Optional<String> after, int limit) throws IOException;

  /**
   * The live objects among the names starting with {@code prefix}: for each name, in name order,
   * its latest version unless that is a tombstone. Up to {@code limit}, after {@code after}.
   */
  Page latestVersions(String prefix, Optional<String> after, int limit) throws IOException;

  /** Whether any version, tombstones aside, has the content {@code hash}. */
  boolean references(ContentHash hash) throws IOException;

  /**
   * Removes version {@code number} of {@code name} for good, tombstone or not, and returns it;
   * empty when there is no such version. The name's numbers are never given out again, and its
   * latest version is then the newest one left. The version's content, if any, counts as touched
   * now (see {@link #condemn}).
   */
  Optional<Version> deleteVersion(String name, long number) throws IOException;

  /**
   * Applies a retention rule to up to {@code limit} names after {@code after} (from the first when
   * empty), in name order: removes, as {@link #deleteVersion} does, each version beyond the newest
   * {@code keep} of its name (no count limit when {@code keep} is 0) and each created before
   * {@code createdBefore}, if present; but never a name's newest version that is not a
   * tombstone, nor the newest version of a name (so that numbers go on).
   */
  Retention applyRetention(int keep, Optional<Instant> createdBefore, Optional<String> after,
      int limit) throws IOException;

  /**
   * Up to {@code limit} contents after {@code after} (from the first when empty), in hash order,
   * that no version refers to and that were last touched before {@code touchedBefore}: what a
   * collection may take. Content is touched when recorded, whenever a version is added with it
   * (a dedup hit included), and when a version of it is removed. Condemned contents are listed.
   */
  List<ContentEntry> unreferenced(Instant touchedBefore, Optional<ContentHash> after, int limit)
      throws IOException;

  /**
   * In one transaction, for each of {@code contents}: marks it condemned at {@code at} if no
   * version refers to it and it was last touched before {@code touchedBefore}; content with no
   * row in the table of contents (shards that no recorded write owns) gets one, laid out as its
   * entry says, touched and condemned at {@code at}. Returns the hashes condemned now. Adding a
   * version with a content afterwards revives it (touches it and takes the mark away).
   */
  Set<ContentHash> condemn(List<ContentEntry> contents, Instant touchedBefore, Instant at)
      throws IOException;

  /**
   * In one transaction, deletes the row of each content of {@code hashes} that is still condemned
   * as of {@code condemnedAt} (nothing revived it since) and that no version refers to, with its
   * bytes if it is kept inline; returns the hashes whose rows it deleted.
   */
  Set<ContentHash> forget(Collection<ContentHash> hashes, Instant condemnedAt) throws IOException;

  /**
   * Which of {@code hashes} are of content that is wanted, read in one transaction: a version
   * refers to it, or its row in the table of contents is not condemned; but never content kept
   * inline, whose shards are left from a write in shards. Shards of unwanted content may be
   * collected.
   */
  Set<ContentHash> wanted(Collection<ContentHash> hashes) throws IOException;

  /**
   * Asks the database a question that needs no data, so that a health check learns whether it
   * answers now; {@code METADATA_UNAVAILABLE} when it does not.
   */
  void check() throws IOException;

  /**
   * Whether a read is answered from a file on this machine, by this process (SQLite), rather
   * than by a database server over a network: such a read waits on no other machine, so that an
   * api server may answer a small GET on the thread that read it.
   */
  boolean readsLocally();

  /**
   * What the cache of names' latest versions in this process has served, for metrics; empty
   * where there is none (PostgreSQL: other api servers write the database too).
   */
  Optional<CacheStats> latestVersionsCache();

  /**
   * Tells {@code listener} each time the database stops answering and answers again, and at
   * once if it is not answering now. For metrics: the log tells operators already.
   */
  void addOutageListener(OutageListener listener);

  /** Closes every connection of the store. Idempotent. */
  @Override
  void close();
}
