package dev.ostore.storage;

import static java.lang.System.Logger.Level.INFO;

import dev.ostore.ServerId;
import java.io.IOException;
import java.util.Properties;

/**
 * Where a data server's {@link ServerId} lives: the record {@value #FILE} in its storage root,
 * written atomically and forced on the server's first start, and read on every start after.
 */
public final class ServerIdFile {
  /** The record's name in the root. */
  public static final String FILE = "server-id.properties";
  private static final String ID = "id";

  private ServerIdFile() {}

  /**
   * The id kept in {@code root}, made and written first when the root has none: a new or wiped
   * root is a new server. A record that does not hold an id is an {@link IOException} saying so,
   * rather than a new id that would disown the shards in the root.
   */
  public static ServerId readOrCreate(StorageRoot root) throws IOException {
    var written = root.read(FILE);
    if (written.isPresent()) {
      try {
        return ServerId.parse(written.get().getProperty(ID));
      } catch (IllegalArgumentException e) {
        throw new IOException(root.path().resolve(FILE) + " is damaged: " + e.getMessage()
            + "; restore it, or delete it to give this server a new identity");
      }
    }
    ServerId id = ServerId.random();
    Properties record = new Properties();
    record.setProperty(ID, id.hex());
    root.write(FILE, record, "This data server's identity, made on its first start. It follows"
        + " the disk, not the address: do not copy it to another root, do not edit.");
    System.getLogger(ServerIdFile.class.getName()).log(INFO,
        () -> "new data server identity " + id + " in " + root.path());
    return id;
  }
}
