package dev.ostore.dataserver;

import static java.util.Objects.requireNonNull;

import dev.ostore.ShardId;
import dev.ostore.erasure.Striping;
import java.time.Instant;

/**
 * One line of a data server's shard listing: a shard, its content's layout and size, and when it
 * was last written (stored, or kept when stored again); {@link Instant#MAX} when the server did
 * not say, which a collection takes as "just now".
 */
public record ListedShard(ShardId id, Striping striping, long objectSize, Instant written) {
  public ListedShard {
    requireNonNull(id, "id");
    requireNonNull(striping, "striping");
    requireNonNull(written, "written");
    if (objectSize < 0) {
      throw new IllegalArgumentException("negative object size " + objectSize);
    }
  }

  /**
   * Reads {@code "<hex>.<i> <layout> <objectSize> [<written, epoch millis>]"}; anything else is
   * an IllegalArgumentException.
   */
  static ListedShard parse(String line) {
    String[] fields = line.strip().split(" ");
    if (fields.length < 3 || fields.length > 4 || !fields[2].matches("[0-9]{1,19}")
        || fields.length == 4 && !fields[3].matches("[0-9]{1,19}")) {
      throw new IllegalArgumentException("not a shard listing line: " + line);
    }
    Instant written = fields.length == 4 ? Instant.ofEpochMilli(Long.parseLong(fields[3]))
        : Instant.MAX;
    return new ListedShard(ShardId.parse(fields[0]), Striping.parse(fields[1]),
        Long.parseLong(fields[2]), written);
  }
}
