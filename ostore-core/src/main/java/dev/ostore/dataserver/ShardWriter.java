package dev.ostore.dataserver;

import dev.ostore.ContentHash;
import java.io.IOException;

/**
 * One shard on its way to a data server, block by block, before its content's hash is known.
 * A failure of the server reaches the writer at its next block or at {@link #finish}. {@link
 * #abort()} cuts the request so the server stores nothing, and {@link #close()} aborts a writer
 * not finished. One thread writes; abort may come from any.
 */
public interface ShardWriter extends AutoCloseable {
  /** Sends one block: one stripe's chunk of this shard. */
  void writeBlock(byte[] bytes, int offset, int length) throws IOException;

  /**
   * Names the content the blocks belong to and waits until the server has stored the shard
   * durably (or held it already, which it says).
   */
  ShardWrite finish(ContentHash hash, long objectSize) throws IOException;

  /** Cuts the request; returns once the connection is closed. Idempotent. */
  void abort();

  /** Aborts unless finished. Idempotent. */
  @Override
  void close();
}
