package dev.ostore.server.api;

import dev.ostore.storage.StorageRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.UUID;

/**
 * What a one-command store's {@code STORAGE_ROOT} records about it, in {@value #FILE}: its id
 * (the identity its metadata is claimed with, so that the root and its metadata stay a pair) and
 * how many data servers it has, so that every start runs the same ones: content is spread over
 * them, and one left out answers 503 for its objects.
 */
record StoreRecord(String id, int dataServers) {
  static final String FILE = "store.properties";
  static final int NEW_STORE_DATA_SERVERS = 6;
  private static final String ID = "id";
  private static final String DATA_SERVERS = "data-servers";

  StoreRecord {
    if (!id.matches("[0-9a-zA-Z-]{1,64}") || dataServers < 1 || dataServers > 64) {
      throw new IllegalArgumentException("not a store record: id " + id + ", " + dataServers
          + " data servers");
    }
  }

  /**
   * The record of the store in {@code root}: the one written by its first start; else, for a
   * root an older ostore filled, one with as many data servers as it has {@code data-<i>}
   * directories; else a new store with {@code asked} data servers, or 6 (enough for the default 4+2 erasure code). {@code asked} other
   * than the number a store has is an {@link IllegalArgumentException} saying why.
   */
  static StoreRecord of(StorageRoot root, OptionalInt asked) throws IOException {
    Optional<Properties> written = root.read(FILE);
    StoreRecord record;
    if (written.isPresent()) {
      record = parse(root, written.get());
    } else {
      int found = 0;
      while (Files.isDirectory(root.path().resolve(dataDirectory(found + 1)))) {
        found++;
      }
      record = new StoreRecord(UUID.randomUUID().toString(),
          found > 0 ? found : asked.orElse(NEW_STORE_DATA_SERVERS));
    }
    if (asked.isPresent() && asked.getAsInt() != record.dataServers) {
      throw new IllegalArgumentException("the store in " + root.path() + " has "
          + record.dataServers + " data servers, not " + asked.getAsInt() + " (DATA_SERVERS):"
          + " its content is spread over them, so it runs them all; start it without"
          + " DATA_SERVERS, or give a store of " + asked.getAsInt() + " another STORAGE_ROOT");
    }
    return record;
  }

  /** The directory of data server {@code i}, counting from 1, in the store's root. */
  static String dataDirectory(int i) {
    return "data-" + i;
  }

  /** Writes the record unless the root has one already. */
  void saveIfMissing(StorageRoot root) throws IOException {
    if (root.read(FILE).isEmpty()) {
      Properties record = new Properties();
      record.setProperty(ID, id);
      record.setProperty(DATA_SERVERS, Integer.toString(dataServers));
      root.write(FILE, record, "The one-command store in this directory: which store it is, and"
          + " how many data servers it runs. Written once; do not edit.");
    }
  }

  private static StoreRecord parse(StorageRoot root, Properties written) {
    try {
      return new StoreRecord(written.getProperty(ID, ""),
          Integer.parseInt(written.getProperty(DATA_SERVERS, "")));
    } catch (IllegalArgumentException e) { // NumberFormatException is one
      throw new IllegalStateException(root.path().resolve(FILE) + " is damaged: "
          + e.getMessage());
    }
  }
}
