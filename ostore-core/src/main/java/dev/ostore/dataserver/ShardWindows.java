package dev.ostore.dataserver;

import dev.ostore.ShardId;
import dev.ostore.storage.ShardFile;
import dev.ostore.storage.ShardLayout;
import dev.ostore.stream.ByteSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Blocks of a shard opened in this process, read a window of whole blocks at a time, each
 * block checked by the store as it is copied out: memory bounded by the window, whatever the
 * range. Closing closes the shard.
 */
final class ShardWindows extends InputStream {
  /** At most this many bytes of blocks at a time, but always at least one block. */
  static final int WINDOW_BYTES = 256 * 1024;

  private final ShardFile file;
  private final ShardLayout layout;
  private final long toBlock;
  private final long blocksPerWindow;
  private final byte[] window;
  private final OutputStream into = ByteSink.stream(this::take);
  private long nextBlock;
  private int position;
  private int limit;
  private boolean closed;

  ShardWindows(ShardFile file, long fromBlock, long toBlock) {
    this.file = file;
    this.layout = file.layout();
    this.toBlock = toBlock;
    this.nextBlock = fromBlock;
    this.blocksPerWindow = Math.max(1, WINDOW_BYTES / layout.chunkSize());
    this.window = new byte[Math.toIntExact(layout.rangeLength(fromBlock,
        Math.min(toBlock, fromBlock + blocksPerWindow)))];
  }

  /** Copies the next window out, if any is left and the last is read. */
  void fill() throws IOException {
    if (position < limit || nextBlock == toBlock) {
      return;
    }
    long end = Math.min(toBlock, nextBlock + blocksPerWindow);
    position = 0;
    limit = 0;
    file.copyBlocks(nextBlock, end, into);
    nextBlock = end;
  }

  private void take(byte[] bytes, int offset, int length) {
    System.arraycopy(bytes, offset, window, limit, length);
    limit += length;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (closed) {
      throw new IOException("the read of shard " + new ShardId(file.hash(), file.index())
          + " is closed");
    }
    if (length == 0) {
      return 0;
    }
    fill();
    if (position == limit) {
      return -1;
    }
    int n = Math.min(length, limit - position);
    System.arraycopy(window, position, bytes, offset, n);
    position += n;
    return n;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      file.close();
    }
  }
}
