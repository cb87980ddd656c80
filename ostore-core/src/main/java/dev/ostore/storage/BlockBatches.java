package dev.ostore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The records of blocks {@code [from, to)} of a file in the format of {@link ShardFormat}, read
 * a batch at a time (one read of the file per batch, not per block), every block of a batch
 * checked against its CRC32C before any of them is handed on: what a copy of blocks and a stream
 * of them share. Holds one batch of at most {@link DiskShardFile#BATCH_BYTES}, or one record.
 * Closing it closes its reads.
 */
final class BlockBatches implements AutoCloseable {
  private final FileReads reads;
  private final ShardLayout layout;
  private final long to;
  private final DiskShardFile.Failures failures;
  /** The length of a whole block's record. */
  private final int record;
  private final ByteBuffer buffer;
  /** The current batch's first block, and how many it holds (none before the first). */
  private long first;
  private int count;

  BlockBatches(FileReads reads, ShardLayout layout, long from, long to,
      DiskShardFile.Failures failures) {
    layout.rangeLength(from, to); // checks the range
    this.reads = reads;
    this.layout = layout;
    this.to = to;
    this.failures = failures;
    this.record = (int) Math.min(layout.chunkSize(), layout.shardLength()) + ShardFormat.CRC_BYTES;
    int most = (int) Math.min(Math.max(1, to - from),
        Math.max(1, DiskShardFile.BATCH_BYTES / record));
    this.buffer = ByteBuffer.allocate(most * record);
    this.first = from;
  }

  /**
   * Reads and checks the next batch: false when the range is done. A block that fails its
   * checksum is {@link DiskShardFile.Failures#corrupt}, and none of its batch is handed on.
   */
  boolean next() throws IOException {
    first += count;
    count = (int) Math.min(buffer.capacity() / record, to - first);
    if (count == 0) {
      return false;
    }
    // Every block but the shard's last is a whole chunk, so records lie back to back.
    int length = (int) ShardRecords.length(layout, first, first + count);
    read(buffer.clear().limit(length), ShardFormat.blockPosition(layout, first));
    for (int i = 0; i < count; i++) {
      int n = blockLength(i);
      if (buffer.getInt(offset(i) + n)
          != ShardRecords.crc(buffer.array(), offset(i), n, first + i)) {
        throw failures.corrupt("block " + (first + i) + " fails its checksum");
      }
    }
    return true;
  }

  /** The blocks in the current batch. */
  int count() {
    return count;
  }

  /** Where the {@code i}th block of the batch begins in {@link #array()}. */
  int offset(int i) {
    return i * record;
  }

  /** The length of the {@code i}th block of the batch, its checksum not counted. */
  int blockLength(int i) {
    return layout.blockLength(first + i);
  }

  /** The current batch's records, back to back from index 0, with their checksums. */
  byte[] array() {
    return buffer.array();
  }

  /** The length of the current batch's records. */
  int length() {
    return buffer.limit();
  }

  @Override
  public void close() throws IOException {
    reads.close();
  }

  private void read(ByteBuffer into, long position) throws IOException {
    while (into.hasRemaining()) {
      int n;
      try {
        n = reads.read(into, position + into.position());
      } catch (IOException e) {
        throw failures.failed(e);
      }
      if (n < 0) {
        throw failures.corrupt("the file ends in block " + first);
      }
    }
  }
}
