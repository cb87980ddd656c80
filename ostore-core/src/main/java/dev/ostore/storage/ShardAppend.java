package dev.ostore.storage;

import java.io.IOException;

/**
 * Blocks on their way into a resumable shard upload ({@link ResumableShards#append}), each
 * written with its checksum as it comes. {@link #finish} forces them and says how many the upload
 * holds; closing without finishing keeps the whole blocks written (not forced: a crash may lose
 * them), and lets another request append. One thread writes and closes.
 */
public interface ShardAppend extends AutoCloseable {
  /**
   * Appends the next block: a {@code BAD_REQUEST} when it lies past the layout's last block or
   * has another length than the layout gives it; {@code STORAGE_FAILED} when the disk fails.
   */
  void append(byte[] block, int offset, int length) throws IOException;

  /** Forces the blocks to disk; returns how many the upload holds. The append is over. */
  long finish() throws IOException;

  /** Ends the append, letting another start. Idempotent. */
  @Override
  void close();
}
