package dev.ostore.dataserver;

import java.io.IOException;

/** A shard sent whole to a data server, whose answer is still to come. */
public interface PendingShard {
  /**
   * Waits until the server has stored the shard durably (or held it already, which it says).
   * Once only.
   */
  ShardWrite await() throws IOException;
}
