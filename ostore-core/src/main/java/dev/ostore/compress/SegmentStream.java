package dev.ostore.compress;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Takes the stored segments of an object's blocks {@code [first, end)}, as its stored stream
 * holds them from the first one's start, and writes them on, block by block: decoded (the bytes
 * of a range of the original), or as one gzip member ({@link GzipAssembler}) without decoding.
 * Compressed blocks are checked against their CRC-32 as they are decoded. {@link #finish} ends
 * it and fails unless every segment came whole. Holds one segment and one block; not
 * thread-safe; the stream it writes to is not closed.
 */
public final class SegmentStream extends OutputStream {
  /** What becomes of each segment. */
  private interface Sink {
    void segment(long block, byte[] b, int len, boolean raw) throws IOException;
  }

  /** What ends the output once every segment came. */
  private interface Ending {
    void run() throws IOException;
  }

  private final BlockIndex index;
  private final long end;
  private final Sink sink;
  private final Ending ending;
  private final Runnable release;
  private final byte[] segment = new byte[BlockIndex.BLOCK_SIZE];
  private long block;
  private int held;

  private SegmentStream(BlockIndex index, long first, long end, Sink sink, Ending ending,
      Runnable release) {
    this.index = index;
    this.block = first;
    this.end = end;
    this.sink = sink;
    this.ending = ending;
    this.release = release;
  }

  /**
   * Decodes, with the codec {@code codec}, the blocks of content of {@code size} bytes that hold
   * its bytes {@code [from, to)} (not empty), and writes those bytes to {@code out}.
   */
  public static SegmentStream decoding(BlockIndex index, int codec, long size, long from,
      long to, OutputStream out) {
    checkArgument(from < to && to <= size, "[%s, %s) is no range of %s bytes", from, to, size);
    BlockCodec decoder = BlockCodec.forId(codec);
    byte[] block = new byte[BlockIndex.BLOCK_SIZE];
    long first = from / BlockIndex.BLOCK_SIZE;
    long end = (to - 1) / BlockIndex.BLOCK_SIZE + 1;
    return new SegmentStream(index, first, end, (at, b, len, raw) -> {
      int length = BlockIndex.blockLength(size, at);
      byte[] bytes = b;
      if (raw && len != length) {
        throw new CorruptBlockException("block " + at + " is stored as it is in " + len
            + " bytes, not " + length);
      } else if (!raw) {
        decoder.decompress(b, 0, len, block, 0, length);
        bytes = block;
      }
      long start = at * BlockIndex.BLOCK_SIZE;
      int skip = (int) Math.max(0, from - start);
      int stop = (int) Math.min(length, to - start);
      out.write(bytes, skip, stop - skip);
    }, () -> {}, decoder::close);
  }

  /** Writes all the blocks of content of {@code size} bytes to {@code out} as one gzip member. */
  public static SegmentStream gzip(BlockIndex index, long size, OutputStream out) {
    GzipAssembler gzip = GzipAssembler.to(out);
    return new SegmentStream(index, 0, BlockIndex.blocks(size), (at, b, len, raw) -> {
      if (raw) {
        gzip.rawBlock(b, 0, len);
      } else {
        gzip.compressedBlock(b, 0, len, BlockIndex.blockLength(size, at));
      }
    }, gzip::finish, () -> {});
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      checkState(block < end, "more bytes than the segments of blocks up to %s", end);
      int want = (int) (index.end(block) - index.start(block));
      if (want > segment.length || want <= 0) {
        throw new CorruptBlockException("the index gives block " + block + " a segment of "
            + want + " bytes");
      }
      int n = Math.min(want - held, len);
      System.arraycopy(b, off, segment, held, n);
      held += n;
      off += n;
      len -= n;
      if (held == want) {
        sink.segment(block, segment, held, index.raw(block));
        block++;
        held = 0;
      }
    }
  }

  /** Ends the output: fails unless every segment came whole. */
  public void finish() throws IOException {
    if (block != end || held != 0) {
      throw new CorruptBlockException("the stored segments end within block " + block + ", "
          + held + " bytes into it, not after block " + (end - 1));
    }
    ending.run();
  }

  /** Releases the codec. Idempotent. */
  @Override
  public void close() {
    release.run();
  }
}
