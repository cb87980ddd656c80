package dev.ostore.dataserver;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.storage.ShardUpload;
import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * A shard written into the store of a data server in this process by a task of its own
 * ({@link QueuedBlocks}), committed once {@link #finish} names its content.
 */
final class QueuedShardWriter implements ShardWriter {
  private final ShardUpload upload;
  private final int index;
  private final QueuedBlocks<ShardWrite> blocks;
  private volatile ContentHash hash;
  private volatile long objectSize;

  private QueuedShardWriter(ShardUpload upload, ServerAddress server, int index,
      Executor executor) {
    this.upload = upload;
    this.index = index;
    this.blocks = QueuedBlocks.start(new Commit(), "upload", server, this::what, executor);
  }

  /** Starts the task that stores {@code upload}'s blocks on {@code executor}. */
  static QueuedShardWriter start(ShardUpload upload, ServerAddress server, int index,
      Executor executor) {
    return new QueuedShardWriter(upload, server, index, executor);
  }

  /** The shard, named by its content once that is known. */
  private String what() {
    ContentHash named = hash;
    return "shard " + (named == null ? Integer.toString(index) : new ShardId(named, index));
  }

  @Override
  public void writeBlock(byte[] bytes, int offset, int length) throws IOException {
    blocks.write(bytes, offset, length);
  }

  @Override
  public byte[] handOver(byte[] block, int length) throws IOException {
    return blocks.handOver(block, length);
  }

  @Override
  public ShardWrite finish(ContentHash hash, long objectSize) throws IOException {
    this.hash = hash;
    this.objectSize = objectSize;
    return blocks.finish();
  }

  @Override
  public void abort() {
    blocks.abort();
  }

  @Override
  public void close() {
    blocks.close();
  }

  /** The task's side, on its own thread: the blocks into the upload, then its commit. */
  private final class Commit implements QueuedBlocks.Target<ShardWrite> {
    @Override
    public void append(byte[] block, int offset, int length) throws IOException {
      upload.append(block, offset, length);
    }

    @Override
    public ShardWrite end() throws IOException {
      upload.commit(hash, objectSize);
      return upload.keptExisting() ? ShardWrite.KEPT_EXISTING : ShardWrite.STORED;
    }

    @Override
    public void close() {
      upload.close();
    }

    /** An upload may be closed beside its writes: it is deleted, and the task fails. */
    @Override
    public void abandon() {
      upload.close();
    }
  }
}
