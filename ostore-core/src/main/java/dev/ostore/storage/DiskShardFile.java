package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A {@link ShardFile} on an open file whose header {@link DiskShardStore} checked. */
final class DiskShardFile implements ShardFile {
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
    layout.rangeLength(from, to); // checks the range
    if (from == to) {
      return;
    }
    ByteBuffer record = ByteBuffer.allocate(
        (int) Math.min(layout.chunkSize(), layout.shardLength()) + ShardFormat.CRC_BYTES);
    for (long b = from; b < to; b++) {
      int length = layout.blockLength(b);
      record.clear().limit(length + ShardFormat.CRC_BYTES);
      long position = ShardFormat.blockPosition(layout, b);
      try {
        while (record.hasRemaining()) {
          if (channel.read(record, position + record.position()) < 0) {
            throw store.corrupt(id, "the file ends in block " + b);
          }
        }
      } catch (CorruptShardException e) {
        throw e;
      } catch (IOException e) {
        throw DiskStorage.failed("shard " + id, e);
      }
      if (record.getInt(length) != ShardFormat.blockCrc(record.array(), length, b)) {
        throw store.corrupt(id, "block " + b + " fails its checksum");
      }
      out.write(record.array(), 0, length);
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
