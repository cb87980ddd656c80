package dev.ostore.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A shard being written: the bytes written to {@link #stream()} are cut into blocks, each stored
 * with its CRC32C. {@link #commit()} makes the shard durable (file forced, renamed into place,
 * directory forced) and visible, only if exactly {@link ShardLayout#shardLength()} bytes came;
 * {@link #close()} without a commit deletes it. A shard stored already is kept as it is and the
 * new bytes are dropped. One thread writes; {@code close} may come from any.
 */
public interface ShardUpload extends AutoCloseable {
  /**
   * Where the shard's bytes go. Bytes past the shard's length are a {@code BAD_REQUEST}; a
   * failure of the disk is {@code STORAGE_FAILED}. Closing the stream does not end the upload.
   */
  OutputStream stream();

  /**
   * Makes the shard durable and visible; a wrong length is a {@code BAD_REQUEST} and deletes
   * it. The upload is over afterwards, whatever happened.
   */
  void commit() throws IOException;

  /** After a successful {@link #commit()}: whether the shard was stored already, and kept. */
  boolean keptExisting();

  /** Ends the upload, deleting its bytes unless committed. Idempotent. */
  @Override
  void close();
}
