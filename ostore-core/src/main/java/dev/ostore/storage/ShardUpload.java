package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A shard being written before its content's hash is known: blocks are {@link #append}ed as
 * they arrive, each stored with its CRC32C; {@link #commit} names the content and its size,
 * checks that the blocks are what that layout makes them, and makes the shard durable (file
 * forced, renamed into place, directory forced) and visible. {@link #close()} without a commit
 * deletes it. A shard stored already is kept as it is and the new one dropped. One thread
 * writes; {@code close} may come from any.
 */
public interface ShardUpload extends AutoCloseable {
  /**
   * Appends one block: one stripe's chunk, {@code chunkSize} bytes but for the last. A block
   * longer than that is a {@code BAD_REQUEST}; a failure of the disk is {@code STORAGE_FAILED}.
   */
  void append(byte[] block, int offset, int length) throws IOException;

  /**
   * Makes the shard durable and visible as shard {@code index} of {@code hash}: blocks that do
   * not fit a content of {@code objectSize} bytes are a {@code BAD_REQUEST}, and nothing is kept.
   * The upload is over afterwards, whatever happened.
   */
  ShardId commit(ContentHash hash, long objectSize) throws IOException;

  /**
   * Does what {@link #commit} does, but may return before the shard is durable: the future
   * completes as {@code commit} returns, or fails with what it throws, and the shard is visible
   * only then. What is left to wait for (forcing the shard to disk, shared with other shards')
   * runs on {@code executor}, so that a thread storing several shards at once parks once for
   * all, and none is parked per shard. The upload is over once this returns.
   */
  default CompletableFuture<ShardId> commitLater(ContentHash hash, long objectSize,
      Executor executor) {
    try {
      return CompletableFuture.completedFuture(commit(hash, objectSize));
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * After a successful {@link #commit}, or once {@link #commitLater}'s future completed: whether
   * the shard was stored already, and kept.
   */
  boolean keptExisting();

  /** Ends the upload, deleting its bytes unless committed. Idempotent. */
  @Override
  void close();
}
