package dev.ostore.storage;

import dev.ostore.ShardId;
import java.io.IOException;

/** A shard whose bytes fail their check: it has been moved to {@code corrupt/} already. */
public final class CorruptShardException extends IOException {
  private final ShardId id;

  public CorruptShardException(ShardId id, String what) {
    super("shard " + id + " is corrupt (" + what + ") and was moved aside");
    this.id = id;
  }

  /** The shard that failed. */
  public ShardId id() {
    return id;
  }
}
