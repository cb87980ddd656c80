package dev.ostore.storage;

import dev.ostore.OstoreException;
import dev.ostore.ShardId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ShardUpload} into a temporary file: the header first, then each block with its
 * checksum as soon as the block is full, so it holds one block in memory.
 */
final class DiskShardUpload implements ShardUpload {
  private final DiskShardStore store;
  private final ShardId id;
  private final ShardLayout layout;
  private final FileChannel channel;
  private final Path partial;
  /** The block being filled, with room for its checksum after it. */
  private final ByteBuffer block;
  private final OutputStream stream = new BlockStream();
  private final AtomicBoolean ended = new AtomicBoolean();
  private long written;
  private long blockNumber;
  private boolean keptExisting;

  DiskShardUpload(DiskShardStore store, ShardId id, ShardLayout layout, FileChannel channel,
      Path partial) throws IOException {
    this.store = store;
    this.id = id;
    this.layout = layout;
    this.channel = channel;
    this.partial = partial;
    // A small shard needs no full chunk of buffer.
    long largest = Math.min(layout.chunkSize(), layout.shardLength());
    this.block = ByteBuffer.allocate((int) largest + ShardFormat.CRC_BYTES);
    writeFully(ShardFormat.header(id, layout));
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  @Override
  public void commit() throws IOException {
    checkOpen();
    try {
      if (written != layout.shardLength()) {
        throw OstoreException.badRequest("shard " + id + " takes " + layout.shardLength()
            + " bytes (" + layout + "), not " + written);
      }
      try {
        channel.force(true);
        channel.close();
        keptExisting = store.install(id, partial);
      } catch (IOException e) {
        throw DiskStorage.failed("shard " + id, e);
      }
    } finally {
      close();
    }
  }

  @Override
  public boolean keptExisting() {
    return keptExisting;
  }

  @Override
  public void close() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    try {
      channel.close();
      Files.deleteIfExists(partial); // gone already once installed
    } catch (IOException e) {
      System.getLogger(DiskShardUpload.class.getName()).log(System.Logger.Level.WARNING,
          () -> "cannot delete " + partial + ": " + e);
    } finally {
      store.ended(this);
    }
  }

  @Override
  public String toString() {
    return "upload of shard " + id;
  }

  private void write(byte[] bytes, int offset, int length) throws IOException {
    checkOpen();
    if (length > layout.shardLength() - written) {
      throw OstoreException.badRequest("shard " + id + " takes only " + layout.shardLength()
          + " bytes (" + layout + ")");
    }
    while (length > 0) {
      int room = layout.blockLength(blockNumber) - block.position();
      int n = Math.min(room, length);
      block.put(bytes, offset, n);
      offset += n;
      length -= n;
      written += n;
      if (n == room) {
        writeBlock();
      }
    }
  }

  private void writeBlock() throws IOException {
    int length = block.position();
    block.putInt(ShardFormat.blockCrc(block.array(), length, blockNumber));
    writeFully(block.flip());
    block.clear();
    blockNumber++;
  }

  private void writeFully(ByteBuffer bytes) throws IOException {
    try {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      throw DiskStorage.failed("shard " + id, e);
    }
  }

  private void checkOpen() {
    if (ended.get()) {
      throw new IllegalStateException(this + " is over");
    }
  }

  /** The stream of {@link #stream()}; closing it leaves the upload as it is. */
  private final class BlockStream extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
      DiskShardUpload.this.write(bytes, offset, length);
    }
  }
}
