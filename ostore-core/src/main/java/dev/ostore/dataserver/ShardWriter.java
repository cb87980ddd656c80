package dev.ostore.dataserver;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One shard on its way to a data server. Write exactly the shard's bytes to {@link #stream()},
 * then {@link #finish()}; a failure of the server reaches the writer at its next write or at
 * {@code finish}. {@link #abort()} cuts the request so the server stores nothing, and {@link
 * #close()} aborts a writer not finished. One thread writes; abort may come from any.
 */
public interface ShardWriter extends AutoCloseable {
  /** Where the shard's bytes go; closing it is the same as {@link #finish()}. */
  OutputStream stream();

  /** Ends the body and waits until the server has stored the shard durably (or held it). */
  void finish() throws IOException;

  /** Cuts the request; returns once the connection is closed. Idempotent. */
  void abort();

  /** Aborts unless finished. Idempotent. */
  @Override
  void close();
}
