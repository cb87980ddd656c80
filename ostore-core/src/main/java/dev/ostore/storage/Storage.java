package dev.ostore.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Objects kept on a local disk, each under a string key. Writes are all or nothing: an {@link
 * Upload} becomes visible only when committed, and then replaces the old object at once, so a
 * reader sees the whole old object or the whole new one. Any key is safe: the file name is derived
 * from it and can never leave the storage root.
 *
 * <p>A failure of the disk itself is an {@link dev.ostore.OstoreException} with code {@code
 * STORAGE_FAILED} naming the key. Implementations are thread-safe.
 *
 * <pre>{@code
 * Storage storage = Storage.onDisk(Path.of("/var/lib/ostore"));
 * try (Upload upload = storage.create("report.pdf")) {
 *   body.transferTo(upload);
 *   upload.commit();
 * }
 * }</pre>
 */
public interface Storage {
  /**
   * Opens (creating when missing) a storage rooted at {@code root}: objects live in {@code
   * root/objects/}, uploads in progress in {@code root/temp/}. Leftovers of uploads that died with
   * an earlier process are deleted.
   */
  static Storage onDisk(Path root) throws IOException {
    return DiskStorage.open(root);
  }

  /** Opens the object for reading; the caller closes what it gets. Empty when there is none. */
  Optional<StoredObject> open(String key) throws IOException;

  /** The size in bytes of the object, or empty when there is none. */
  Optional<Long> size(String key) throws IOException;

  /** Starts writing a new version of the object; nothing is visible until it is committed. */
  Upload create(String key) throws IOException;

  /** Deletes the object; true when there was one. */
  boolean delete(String key) throws IOException;
}
