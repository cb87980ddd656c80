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
}
