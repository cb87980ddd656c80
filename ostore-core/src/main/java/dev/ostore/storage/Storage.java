package dev.ostore.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
 * try (Upload upload = storage.create()) {
 *   body.transferTo(upload);
 *   upload.commit("report.pdf");
 * }
 * }</pre>
 */
public interface Storage {
  /**
   * Opens (creating when missing) a storage rooted at {@code root}: objects live in {@code
   * root/objects/}, uploads in progress in {@code root/temp/}, objects moved aside in {@code
   * root/corrupt/}. Leftovers of uploads that died with an earlier process are deleted.
   */
  static Storage onDisk(Path root) throws IOException {
    return DiskStorage.open(root);
  }

  /** Opens the object for reading; the caller closes what it gets. Empty when there is none. */
  Optional<StoredObject> open(String key) throws IOException;

  /** The size in bytes of the object, or empty when there is none. */
  Optional<Long> size(String key) throws IOException;

  /** Starts writing an object; nothing is visible until it is committed under a key. */
  Upload create() throws IOException;

  /** Deletes the object; true when there was one. */
  boolean delete(String key) throws IOException;

  /**
   * Moves the object out of reach into {@code corrupt/}, where an operator can look at it; true
   * when there was one.
   */
  boolean quarantine(String key) throws IOException;

  /**
   * The keys of the stored objects, in no particular order. A file that no key would be stored
   * under (one copied in by hand, say) is logged and left out, never an error.
   */
  List<String> keys() throws IOException;
}
