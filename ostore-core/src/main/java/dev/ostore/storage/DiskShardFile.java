package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A {@link ShardFile} on an open file whose header {@link DiskShardStore} checked: the shard's
 * own file, or a pack that holds it ({@link ShardPacks}).
 */
final class DiskShardFile implements ShardFile {
  /**
   * How many bytes of records one read takes: a few blocks, so that a long read costs a system
   * call per few blocks, not per block, and a data server holds this much per read in flight.
   */
  static final int BATCH_BYTES = 512 * 1024;

  private final DiskShardStore store;
  private final ShardId id;
  private final FileChannel channel;
  /** The shard's own file; null for a shard in a pack. */
  private final Path file;
  /** Where the shard's bytes begin in the file: past its record's header in a pack. */
  private final long base;
  private final ShardLayout layout;
  private final Instant written;

  DiskShardFile(DiskShardStore store, ShardId id, FileChannel channel, Path file, long base,
      ShardLayout layout, Instant written) {
    this.store = store;
    this.id = id;
    this.channel = channel;
    this.file = file;
    this.base = base;
    this.layout = layout;
    this.written = written;
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
  public Instant written() {
    return written;
  }

  @Override
  public void copyBlocks(long from, long to, OutputStream out) throws IOException {
    copy(from, to, out, false);
  }

  @Override
  public void copyRecords(long from, long to, OutputStream out) throws IOException {
    copy(from, to, out, true);
  }

  private void copy(long from, long to, OutputStream out, boolean records) throws IOException {
    // Packed shards are small: they are never read straight from the disk.
    try (FileReads reads = file != null && store.directIo()
        ? FileReads.forRead(channel, file, ShardRecords.length(layout, from, to), BATCH_BYTES)
        : FileReads.buffered(channel, base)) {
      copy(reads, layout, from, to, out, records, failures());
    }
  }

  private Failures failures() {
    return new Failures() {
      @Override
      public IOException corrupt(String what) throws IOException {
        return store.corrupt(id, what);
      }

      @Override
      public IOException failed(IOException e) {
        return DiskStorage.failed("shard " + id, e);
      }
    };
  }

  /** What a copy throws when a block fails its checksum, and when the disk fails. */
  interface Failures {
    IOException corrupt(String what) throws IOException;

    IOException failed(IOException e);
  }

  /**
   * Reads the records of blocks {@code [from, to)} of a file in the format of {@link ShardFormat}
   * a batch at a time (one read and, for records, one write per batch rather than per block),
   * checks every block of a batch, then writes them: for a shard's file, and for a resumable
   * upload's, whose records lie where its shard's will.
   */
  static void copy(FileReads reads, ShardLayout layout, long from, long to, OutputStream out,
      boolean records, Failures failures) throws IOException {
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
      read(reads, buffer.clear().limit(length), ShardFormat.blockPosition(layout, b), b,
          failures);
      for (int i = 0; i < n; i++) {
        int at = i * record;
        int blockLength = layout.blockLength(b + i);
        if (buffer.getInt(at + blockLength)
            != ShardRecords.crc(buffer.array(), at, blockLength, b + i)) {
          throw failures.corrupt("block " + (b + i) + " fails its checksum");
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

  private static void read(FileReads reads, ByteBuffer into, long position, long block,
      Failures failures) throws IOException {
    while (into.hasRemaining()) {
      int n;
      try {
        n = reads.read(into, position + into.position());
      } catch (IOException e) {
        throw failures.failed(e);
      }
      if (n < 0) {
        throw failures.corrupt("the file ends in block " + block);
      }
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
