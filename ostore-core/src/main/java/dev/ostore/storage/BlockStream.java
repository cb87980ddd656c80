package dev.ostore.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The bytes of a range of blocks, read a batch at a time on the reader's own thread: for a reader
 * that has a thread of its own already, to which a producer thread and a pipe would only add a
 * copy and a hand-off per batch. Closing it closes the file it reads, also from another thread
 * than the reader's, whose read then fails.
 */
final class BlockStream extends InputStream {
  private final BlockBatches batches;
  private final ShardFile file;
  /** The current block's index in its batch; its bytes left are [at, end) of the batch. */
  private int block = -1;
  private int at;
  private int end;
  private volatile boolean closed;

  private BlockStream(BlockBatches batches, ShardFile file) {
    this.batches = batches;
    this.file = file;
  }

  /**
   * A stream of {@code batches}, closing them and {@code file} when closed. Its first batch is
   * read and checked here, so that a shard found corrupt there fails before a byte is read, as it
   * does over HTTP; then {@code batches} are closed and the caller still owns {@code file}.
   */
  static InputStream open(BlockBatches batches, ShardFile file) throws IOException {
    BlockStream stream = new BlockStream(batches, file);
    try {
      stream.advance();
    } catch (IOException | RuntimeException e) {
      try (batches) {
        throw e;
      }
    }
    return stream;
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
      throw new IOException("the stream is closed");
    }
    int copied = 0;
    while (copied < length && (at < end || advance())) {
      int n = Math.min(length - copied, end - at);
      batches.batch().get(at, bytes, offset + copied, n);
      at += n;
      copied += n;
    }
    if (at == end && block == batches.count() - 1 && batches.last()) {
      // The range's last byte is read, on the reader's thread: its buffers can go back now; a
      // close from another thread could not tell that they were no longer read.
      batches.done();
    }
    return copied == 0 && length > 0 ? -1 : copied;
  }

  /** Moves to the next block, reading the next batch when this one is done: false at the end. */
  private boolean advance() throws IOException {
    do {
      if (++block >= batches.count()) {
        if (!batches.next()) {
          return false;
        }
        block = 0;
      }
      at = batches.offset(block);
      end = at + batches.blockLength(block);
    } while (at == end); // an empty object's one block
    return true;
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      try (file) {
        batches.close();
      }
    }
  }
}
