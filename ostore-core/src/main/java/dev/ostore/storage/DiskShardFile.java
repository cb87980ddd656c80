package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.DirectBuffers;
import dev.ostore.ShardId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

  @Override
  public InputStream openBlocks(long from, long to) throws IOException {
    return BlockStream.open(new BlockBatches(reads(from, to), layout, from, to, failures()), this);
  }

  private void copy(long from, long to, OutputStream out, boolean records) throws IOException {
    copy(reads(from, to), layout, from, to, out, records, failures());
  }

  /** How blocks {@code [from, to)} are read: packed shards are small, never read past the cache. */
  private FileReads reads(long from, long to) {
    return file != null && store.directIo()
        ? FileReads.forRead(channel, file, ShardFormat.blockPosition(layout, from),
            ShardRecords.length(layout, from, to), BlockBatches.longestBatch(layout),
            store.readAhead(), DirectBuffers.ofThisJvm())
        : FileReads.buffered(channel, base);
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
   * Copies blocks {@code [from, to)} of a file in the format of {@link ShardFormat} to {@code
   * out}, with their checksums if {@code records}, a batch at a time ({@link BlockBatches}), and
   * closes {@code reads}: for a shard's file, and for a resumable upload's, whose records lie
   * where its shard's will.
   */
  static void copy(FileReads reads, ShardLayout layout, long from, long to, OutputStream out,
      boolean records, Failures failures) throws IOException {
    try (BlockBatches batches = new BlockBatches(reads, layout, from, to, failures)) {
      while (batches.next()) {
        if (records) {
          batches.writeTo(out, 0, batches.batch().limit());
        } else {
          for (int i = 0; i < batches.count(); i++) {
            batches.writeTo(out, batches.offset(i), batches.blockLength(i));
          }
        }
      }
      batches.done();
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
