package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A {@link ShardFile} on an open file whose header {@link DiskShardStore} checked. */
final class DiskShardFile implements ShardFile {
  /**
   * How many bytes of records one read takes: a few blocks, so that a long read costs a system
   * call per few blocks, not per block, and a data server holds this much per read in flight.
   */
  static final int BATCH_BYTES = 512 * 1024;

  private final DiskShardStore store;
  private final ShardId id;
  private final FileChannel channel;
  private final ShardLayout layout;

  DiskShardFile(DiskShardStore store, ShardId id, FileChannel channel, ShardLayout layout) {
    this.store = store;
    this.id = id;
    this.channel = channel;
    this.layout = layout;
  }

  @Override
  public ShardLayout layout() {
    return layout;
  }

  @Override
  public ContentHash hash() {
    return id.hash();
  }

  @Override
  public int index() {
    return id.index();
  }

  @Override
  public void copyBlocks(long from, long to, OutputStream out) throws IOException {
    copy(from, to, out, false);
  }

  @Override
  public void copyRecords(long from, long to, OutputStream out) throws IOException {
    copy(from, to, out, true);
  }

  /**
   * Reads the records of blocks {@code [from, to)} a batch at a time (one read and, for records,
   * one write per batch rather than per block), checks every block of a batch, then writes them.
   */
  private void copy(long from, long to, OutputStream out, boolean records) throws IOException {
    layout.rangeLength(from, to); // checks the range
    if (from == to) {
      return;
    }
    int record = (int) Math.min(layout.chunkSize(), layout.shardLength()) + ShardFormat.CRC_BYTES;
    int batch = (int) Math.min(to - from, Math.max(1, BATCH_BYTES / record));
    ByteBuffer buffer = ByteBuffer.allocate(batch * record);
    for (long b = from; b < to; b += batch) {
      int n = (int) Math.min(batch, to - b);
      // Every block but the last is a whole chunk, so records lie back to back from b on.
      int length = (int) ShardRecords.length(layout, b, b + n);
      read(buffer.clear().limit(length), ShardFormat.blockPosition(layout, b), b);
      for (int i = 0; i < n; i++) {
        int at = i * record;
        int blockLength = layout.blockLength(b + i);
        if (buffer.getInt(at + blockLength)
            != ShardRecords.crc(buffer.array(), at, blockLength, b + i)) {
          throw store.corrupt(id, "block " + (b + i) + " fails its checksum");
        }
        if (!records) {
          out.write(buffer.array(), at, blockLength);
        }
      }
      if (records) {
        out.write(buffer.array(), 0, length);
      }
    }
  }

  private void read(ByteBuffer into, long position, long block) throws IOException {
    try {
      while (into.hasRemaining()) {
        if (channel.read(into, position + into.position()) < 0) {
          throw store.corrupt(id, "the file ends in block " + block);
        }
      }
    } catch (CorruptShardException e) {
      throw e;
    } catch (IOException e) {
      throw DiskStorage.failed("shard " + id, e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Read-only: nothing is lost by a failed close.
    }
  }

  @Override
  public String toString() {
    return "shard " + id + " (" + layout + ")";
  }
}
