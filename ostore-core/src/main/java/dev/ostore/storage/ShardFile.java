package dev.ostore.storage;

import dev.ostore.ContentHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;

/**
 * A stored shard opened for reading: its header, and its blocks, each checked against its
 * CRC32C as it is read. A block that fails quarantines the shard and is a {@link
 * CorruptShardException}, before any of its bytes are written out. Close it when done.
 */
public interface ShardFile extends AutoCloseable {
  ShardLayout layout();

  ContentHash hash();

  int index();

  /** When the shard was last written: stored, kept when stored again, or restored. */
  Instant written();

  /** Copies blocks {@code [from, to)} to {@code out}, verifying each before writing it. */
  void copyBlocks(long from, long to, OutputStream out) throws IOException;

  /**
   * Blocks {@code [from, to)} as a stream read on the calling thread, a batch of blocks per read
   * of the disk, each batch checked before a byte of it is returned. The first batch is read
   * here: a shard found corrupt there fails before a byte is read, and the caller still owns
   * this file; once returned, the stream owns it and closes it when closed.
   */
  InputStream openBlocks(long from, long to) throws IOException;

  /**
   * Copies blocks {@code [from, to)} to {@code out} as {@link ShardRecords}, each with its
   * checksum as stored, verifying each before writing it: so that the reader can check them
   * again where they arrive.
   */
  void copyRecords(long from, long to, OutputStream out) throws IOException;

  @Override
  void close();
}
