package dev.ostore.dataserver;

import static java.util.Objects.requireNonNull;

import dev.ostore.ShardId;
import java.time.Instant;

/**
 * One line of a data server's holding area: a shard a collection took away, and when. The server
 * deletes it for good once it has been held for its hold period; until then it can be restored.
 */
public record HeldShard(ShardId id, Instant heldAt) {
  public HeldShard {
    requireNonNull(id, "id");
    requireNonNull(heldAt, "heldAt");
  }

  /**
   * Reads {@code "<hex>.<i> <held at, epoch millis>"}; anything else is an
   * IllegalArgumentException.
   */
  static HeldShard parse(String line) {
    String[] fields = line.strip().split(" ");
    if (fields.length != 2 || !fields[1].matches("[0-9]{1,18}")) {
      throw new IllegalArgumentException("not a held shard's line: " + line);
    }
    return new HeldShard(ShardId.parse(fields[0]),
        Instant.ofEpochMilli(Long.parseLong(fields[1])));
  }
}
