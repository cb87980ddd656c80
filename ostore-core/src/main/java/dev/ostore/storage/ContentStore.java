package dev.ostore.storage;

import dev.ostore.ContentHash;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalLong;

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
 * Thread-safe; closing is idempotent, and a store closed takes no more temporary objects.
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
    return IndexedContentStore.open(Storage.onDisk(root), clock, tempExpiry, maxTemps);
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

  /**
   * Starts a temporary object that may take at most {@code limit} bytes, if given. With as many
   * open as the store takes, it is {@code BUSY}.
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
   * BAD_REQUEST} otherwise, and the object is deleted). Content stored already is not stored again.
   * Returns the size.
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
