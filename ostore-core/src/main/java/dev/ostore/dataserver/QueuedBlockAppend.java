package dev.ostore.dataserver;

import dev.ostore.ServerAddress;
import dev.ostore.storage.ShardAppend;
import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * Blocks appended to a resumable shard upload of a data server in this process by a task of
 * their own ({@link QueuedBlocks}), forced once {@link #finish} is called: what a {@code PATCH
 * /uploads/} does over HTTP, without the loopback connection and its framing.
 */
final class QueuedBlockAppend implements BlockAppend {
  private final QueuedBlocks<Long> blocks;

  private QueuedBlockAppend(ShardAppend append, ServerAddress server, String what,
      Executor executor) {
    this.blocks = QueuedBlocks.start(new QueuedBlocks.Target<>() {
      @Override
      public void append(byte[] block, int offset, int length) throws IOException {
        append.append(block, offset, length);
      }

      @Override
      public Long end() throws IOException {
        return append.finish();
      }

      @Override
      public void close() {
        append.close();
      }
    }, "append to", server, () -> what, executor);
  }

  /** Starts the task that appends to {@code append}, named {@code what}, on {@code executor}. */
  static QueuedBlockAppend start(ShardAppend append, ServerAddress server, String what,
      Executor executor) {
    return new QueuedBlockAppend(append, server, what, executor);
  }

  @Override
  public void writeBlock(byte[] bytes, int offset, int length) throws IOException {
    blocks.write(bytes, offset, length);
  }

  @Override
  public long finish() throws IOException {
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
}
