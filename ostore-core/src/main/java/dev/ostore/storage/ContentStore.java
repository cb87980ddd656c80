package dev.ostore.storage;

import static java.util.Objects.requireNonNull;

import dev.ostore.ContentHash;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;

/**
 * Objects stored under the SHA-256 of their bytes, as a data server keeps them: each content is
 * stored once, in a file named by its hash in hex, and indexed in memory so that {@link
 * #contains} answers a locate request without touching the disk.
 *
 * <p>New content arrives as a <em>temporary object</em>: {@link #createTemp} gives it an id,
 * {@link #append} streams bytes into it (hashing them on the way), and {@link #commit} stores it
 * under its hash, only if that is the hash the caller expects. A temporary object not written to
 * for the expiry is deleted, and so are all of them when the store is opened again. At most a
 * given number are open at once, each holding an open file until it ends or the store is closed.
 * Each content records when it was last written (stored, or committed again), so that a
 * collection can {@link #hold} only content written before it began: held content waits in
 * {@code root/holding-objects/}, out of the index, until {@link #restore}d or, after the hold
 * period, deleted for good by {@link #purgeHeld}. Thread-safe; closing is idempotent, and a store
 * closed takes no more temporary objects.
 *
 * <pre>{@code
 * ContentStore store = ContentStore.onDisk(root, InstantSource.system(), Duration.ofHours(1),
 *     1024);
 * String id = store.createTemp(OptionalLong.empty());
 * try (OutputStream out = store.append(id)) {
 *   body.transferTo(out);
 * }
 * store.commit(id, expectedHash);
 * }</pre>
 */
public interface ContentStore extends AutoCloseable {
  /**
   * Opens the store under {@code root} (see {@link Storage#onDisk} for the layout); temporary
   * objects idle for {@code tempExpiry}, as told by {@code clock}, are deleted by {@link
   * #expireTemps}, and at most {@code maxTemps} are open at once. Files in {@code objects/} not
   * named by a hash are logged and ignored.
   */
  static ContentStore onDisk(Path root, InstantSource clock, Duration tempExpiry, int maxTemps)
      throws IOException {
    return onDisk(root, clock, tempExpiry, maxTemps, ShardStore.DEFAULT_HOLD_FOR);
  }

  /**
   * As {@link #onDisk(Path, InstantSource, Duration, int)}, held content kept for {@code
   * holdFor}: what was held longer is deleted as the store opens, and by each {@link #purgeHeld}.
   */
  static ContentStore onDisk(Path root, InstantSource clock, Duration tempExpiry, int maxTemps,
      Duration holdFor) throws IOException {
    return onDisk(root, clock, tempExpiry, maxTemps, holdFor, DiskRoom.of(root, 0, clock));
  }

  /**
   * As {@link #onDisk(Path, InstantSource, Duration, int, Duration)}; new temporary objects are
   * refused ({@code INSUFFICIENT_STORAGE}) while {@code room} has none left.
   */
  static ContentStore onDisk(Path root, InstantSource clock, Duration tempExpiry, int maxTemps,
      Duration holdFor, DiskRoom room) throws IOException {
    return IndexedContentStore.open(root, clock, tempExpiry, maxTemps, holdFor, room);
  }

  /** Whether the content is stored here, from the index. */
  boolean contains(ContentHash hash);

  /** The stored content, opened for reading; empty when it is not here. */
  Optional<StoredObject> open(ContentHash hash) throws IOException;

  /** The size of the stored content; empty when it is not here. */
  Optional<Long> size(ContentHash hash) throws IOException;

  /**
   * Takes content whose bytes no longer match their hash out of service: the file is moved aside
   * and dropped from the index.
   */
  void quarantine(ContentHash hash) throws IOException;

  /** Content as {@link #listed} gives it: its size and when it was last written. */
  record Listed(ContentHash hash, long size, Instant written) {
    public Listed {
      requireNonNull(hash, "hash");
      requireNonNull(written, "written");
      if (size < 0) {
        throw new IllegalArgumentException("size (" + size + ") is negative");
      }
    }
  }

  /**
   * Up to {@code limit} of the contents stored here after {@code after} (exclusive, empty = from
   * the start), in hash order, each with its size and when it was last written.
   */
  List<Listed> listed(Optional<ContentHash> after, int limit) throws IOException;

  /**
   * Moves the content to {@code root/holding-objects/} and out of the index, unless it was
   * written at or after {@code writtenBefore}: decided under the lock that {@link #commit} takes
   * for the hash, so that a commit racing a collection either keeps the content in place or,
   * finding it held, stores it anew. A copy held already is replaced. Not forced: a crash may put
   * held content back in place, never lose it.
   */
  ShardStore.Hold hold(ContentHash hash, Instant writtenBefore) throws IOException;

  /**
   * Up to {@code limit} held contents after {@code after} (exclusive, empty = from the start), in
   * hash order, each with when it was held.
   */
  SortedMap<ContentHash, Instant> listHeld(Optional<ContentHash> after, int limit);

  /**
   * Puts held content back in place and in the index, as written now, durably; when it was
   * stored again meanwhile, drops the held copy instead. False when none is held.
   */
  boolean restore(ContentHash hash) throws IOException;

  /** Deletes for good, logging each, the contents held longer than the hold period; how many. */
  int purgeHeld() throws IOException;

  /**
   * Starts a temporary object that may take at most {@code limit} bytes, if given. With as many
   * open as the store takes, it is {@code BUSY}; with no room on the disk, {@code
   * INSUFFICIENT_STORAGE}.
   */
  String createTemp(OptionalLong limit) throws IOException;

  /**
   * A stream appending to the temporary object {@code id}; close it when done. Only one may be
   * open per object at a time ({@code CONFLICT} otherwise); an unknown id is {@code NOT_FOUND};
   * bytes past the limit are {@code BAD_REQUEST} and delete the object.
   */
  OutputStream append(String id) throws IOException;

  /** How many bytes the temporary object holds; empty when there is none with that id. */
  OptionalLong tempSize(String id);

  /**
   * Stores the temporary object under its hash, which must be {@code expected} ({@code
   * BAD_REQUEST} otherwise, and the object is deleted). Content stored already is not stored again,
   * but recorded as written now. Returns the size.
   */
  long commit(String id, ContentHash expected) throws IOException;

  /** Deletes the temporary object; true when there was one. */
  boolean abort(String id) throws IOException;

  /** Deletes the temporary objects idle for longer than the expiry; returns how many. */
  int expireTemps() throws IOException;

  /**
   * Closes the file of every temporary object, which ends them: their bytes stay on disk until
   * the store is opened again, which deletes them. An append still running fails.
   */
  @Override
  void close();
}
