package dev.ostore.dataserver;

import static java.util.Objects.requireNonNull;

import dev.ostore.ContentHash;
import java.time.Instant;

/**
 * One line of a data server's listing of content stored whole (as before erasure coding): its
 * hash, its size, and when it was last written (stored, or stored again).
 */
public record ListedWhole(ContentHash hash, long size, Instant written) {
  public ListedWhole {
    requireNonNull(hash, "hash");
    requireNonNull(written, "written");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
  }

  /**
   * Reads {@code "<hex> <size> <written, epoch millis>"}; anything else is an
   * IllegalArgumentException.
   */
  static ListedWhole parse(String line) {
    String[] fields = line.strip().split(" ");
    if (fields.length != 3 || !fields[1].matches("[0-9]{1,18}")
        || !fields[2].matches("[0-9]{1,18}")) {
      throw new IllegalArgumentException("not a whole content's listing line: " + line);
    }
    return new ListedWhole(ContentHash.parse(fields[0]), Long.parseLong(fields[1]),
        Instant.ofEpochMilli(Long.parseLong(fields[2])));
  }
}
