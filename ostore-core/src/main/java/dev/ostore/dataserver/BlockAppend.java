package dev.ostore.dataserver;

import java.io.IOException;

/**
 * Blocks on their way to a resumable shard upload on a data server, appended after those it held
 * before. A failure of the server reaches the writer at its next block or at {@link #finish}. One
 * thread writes; {@link #abort()} may come from any.
 */
public interface BlockAppend extends AutoCloseable {
  /** Sends one block: one stripe's chunk of this shard. */
  void writeBlock(byte[] bytes, int offset, int length) throws IOException;

  /**
   * Ends the request and waits until the server has forced every block to disk; returns how many
   * blocks the upload holds.
   */
  long finish() throws IOException;

  /** Cuts the request; returns once the connection is closed. Idempotent. */
  void abort();

  /** Aborts unless finished. Idempotent. */
  @Override
  void close();
}
