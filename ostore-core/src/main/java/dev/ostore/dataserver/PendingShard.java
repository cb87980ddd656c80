package dev.ostore.dataserver;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** A shard sent whole to a data server, whose answer is still to come. */
public interface PendingShard {
  /**
   * Waits until the server has stored the shard durably (or held it already, which it says).
   * Once only.
   */
  ShardWrite await() throws IOException;

  /**
   * Completes, well or not, once {@link #await} would return without waiting, where that can be
   * known beforehand; otherwise completed already. A caller with several shards to await waits
   * for all of theirs first, woken once rather than once a shard.
   */
  default CompletableFuture<?> settled() {
    return CompletableFuture.completedFuture(null);
  }
}
