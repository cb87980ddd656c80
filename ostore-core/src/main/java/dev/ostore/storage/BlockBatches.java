package dev.ostore.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The records of blocks {@code [from, to)} of a file in the format of {@link ShardFormat}, read
 * a batch at a time (one read of the file per batch, not per block), every block of a batch
 * checked against its CRC32C before any of them is handed on: what a copy of blocks and a stream
 * of them share. A batch is at most {@link DiskShardFile#BATCH_BYTES}, or one record, and is what
 * its reads lend ({@link FileReads#view}): read past the page cache, it is checked and handed on
 * in the buffer the disk filled, not copied out of it first. Closing it closes its reads.
 */
final class BlockBatches implements AutoCloseable {
  private final FileReads reads;
  private final ShardLayout layout;
  private final long to;
  private final DiskShardFile.Failures failures;
  /** The length of a whole block's record. */
  private final int record;
  /** The most blocks in a batch. */
  private final int most;
  /** The current batch's records, from index 0; empty before the first. */
  private ByteBuffer batch = ByteBuffer.allocate(0);
  /** Where {@link #writeTo} copies a batch that is not an array; made when first needed. */
  private byte[] copied;
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
    this.record = record(layout);
    this.most = (int) Math.min(Math.max(1, to - from), longestBatch(layout) / record);
    this.first = from;
  }

  /**
   * The most bytes a batch of a shard of {@code layout} reads: {@link DiskShardFile#BATCH_BYTES},
   * or one record where a record is longer.
   */
  static int longestBatch(ShardLayout layout) {
    return Math.max(1, DiskShardFile.BATCH_BYTES / record(layout)) * record(layout);
  }

  private static int record(ShardLayout layout) {
    return (int) Math.min(layout.chunkSize(), layout.shardLength()) + ShardFormat.CRC_BYTES;
  }

  /**
   * Reads and checks the next batch: false when the range is done. A block that fails its
   * checksum is {@link DiskShardFile.Failures#corrupt}, and none of its batch is handed on.
   */
  boolean next() throws IOException {
    first += count;
    count = (int) Math.min(most, to - first);
    if (count == 0) {
      return false;
    }
    // Every block but the shard's last is a whole chunk, so records lie back to back.
    int length = (int) ShardRecords.length(layout, first, first + count);
    try {
      batch = reads.view(ShardFormat.blockPosition(layout, first), length);
    } catch (IOException e) {
      throw failures.failed(e);
    }
    if (batch.limit() < length) {
      throw failures.corrupt("the file ends in block " + (first + batch.limit() / record));
    }
    for (int i = 0; i < count; i++) {
      int n = blockLength(i);
      if (batch.getInt(offset(i) + n) != ShardRecords.crc(batch, offset(i), n, first + i)) {
        throw failures.corrupt("block " + (first + i) + " fails its checksum");
      }
    }
    return true;
  }

  /** The blocks in the current batch. */
  int count() {
    return count;
  }

  /** Whether the current batch is the range's last. */
  boolean last() {
    return first + count == to;
  }

  /**
   * Says, on the reading thread, that it is done with every batch: the reads' buffers go back
   * to be lent again ({@link FileReads#done}).
   */
  void done() throws IOException {
    reads.done();
  }

  /** Where the {@code i}th block of the batch begins in {@link #batch()}. */
  int offset(int i) {
    return i * record;
  }

  /** The length of the {@code i}th block of the batch, its checksum not counted. */
  int blockLength(int i) {
    return layout.blockLength(first + i);
  }

  /**
   * The current batch's records, back to back from index 0 to the limit, with their checksums:
   * valid until the next batch, and not to be written to.
   */
  ByteBuffer batch() {
    return batch;
  }

  /**
   * Writes the current batch's bytes {@code [offset, offset + length)} to {@code out}: from the
   * batch's own array, or from a copy where the batch lies outside the heap.
   */
  void writeTo(OutputStream out, int offset, int length) throws IOException {
    if (batch.hasArray()) {
      out.write(batch.array(), batch.arrayOffset() + offset, length);
      return;
    }
    if (copied == null) {
      copied = new byte[most * record];
    }
    batch.get(offset, copied, 0, length);
    out.write(copied, 0, length);
  }

  @Override
  public void close() throws IOException {
    reads.close();
  }
}
