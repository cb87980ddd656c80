package dev.ostore.dataserver;

import static java.util.Objects.requireNonNull;

import dev.ostore.ShardId;
import dev.ostore.erasure.Striping;

/** One line of a data server's shard listing: a shard, its content's layout and size. */
public record ListedShard(ShardId id, Striping striping, long objectSize) {
  public ListedShard {
    requireNonNull(id, "id");
    requireNonNull(striping, "striping");
    if (objectSize < 0) {
      throw new IllegalArgumentException("negative object size " + objectSize);
    }
  }

  /** Reads {@code "<hex>.<i> <layout> <objectSize>"}; anything else is an IllegalArgumentException. */
  static ListedShard parse(String line) {
    String[] fields = line.strip().split(" ");
    if (fields.length != 3 || !fields[2].matches("[0-9]{1,19}")) {
      throw new IllegalArgumentException("not a shard listing line: " + line);
    }
    return new ListedShard(ShardId.parse(fields[0]), Striping.parse(fields[1]),
        Long.parseLong(fields[2]));
  }
}
