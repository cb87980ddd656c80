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
   * Sends {@code block[0, length)} as {@link #writeBlock} does, but may keep the array rather
   * than copy it: returns the array for the caller to use in its place from now on, {@code block}
   * itself or one of the same length that the writer is done with. By default it copies.
   */
  default byte[] handOver(byte[] block, int length) throws IOException {
    writeBlock(block, 0, length);
    return block;
  }

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
