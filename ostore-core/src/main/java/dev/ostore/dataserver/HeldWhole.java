package dev.ostore.dataserver;

import static java.util.Objects.requireNonNull;

import dev.ostore.ContentHash;
import java.time.Instant;

/**
 * One line of a data server's holding area for content stored whole: a content a collection took
 * away, and when. The server deletes it for good once its hold period has passed.
 */
public record HeldWhole(ContentHash hash, Instant heldAt) {
  public HeldWhole {
    requireNonNull(hash, "hash");
    requireNonNull(heldAt, "heldAt");
  }

  /**
   * Reads {@code "<hex> <held at, epoch millis>"}; anything else is an
   * IllegalArgumentException.
   */
  static HeldWhole parse(String line) {
    String[] fields = line.strip().split(" ");
    if (fields.length != 2 || !fields[1].matches("[0-9]{1,18}")) {
      throw new IllegalArgumentException("not a held whole content's line: " + line);
    }
    return new HeldWhole(ContentHash.parse(fields[0]),
        Instant.ofEpochMilli(Long.parseLong(fields[1])));
  }
}
