package dev.ostore.compress;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * One codec over one content in fixed-size blocks, as a shard writer and reader would use it:
 * each block kept compressed only under {@link ObjectCompressor#blockLimit}, raw blocks copied
 * when read. What {@link CodecBenchmark} and {@link CodecCpuTime} time. Not thread-safe.
 */
final class CodecRun implements AutoCloseable {
  private final BlockCodec codec;
  private final byte[] content;
  private final int blockSize;
  private final byte[][] stored;
  private final int[] storedLength;
  private final byte[] out;

  /** Compresses every block once and checks that each decompresses to the original. */
  CodecRun(BlockCodec codec, byte[] content, int blockSize) throws CorruptBlockException {
    this.codec = codec;
    this.content = content;
    this.blockSize = blockSize;
    int blocks = content.length / blockSize;
    stored = new byte[blocks][blockSize];
    storedLength = new int[blocks];
    out = new byte[blockSize];
    for (int b = 0; b < blocks; b++) {
      storedLength[b] = compressBlock(b, stored[b]);
      if (storedLength[b] != BlockCodec.NOT_SMALLER) {
        codec.decompress(stored[b], 0, storedLength[b], out, 0, blockSize);
        if (!Arrays.equals(out, 0, blockSize, content, b * blockSize, (b + 1) * blockSize)) {
          throw new IllegalStateException(codec + " does not round-trip block " + b);
        }
      }
    }
  }

  /** Bytes each block is stored in: compressed, or the block size when kept raw. */
  int[] storedLengths() {
    int[] lengths = new int[storedLength.length];
    for (int b = 0; b < lengths.length; b++) {
      lengths[b] = storedLength[b] == BlockCodec.NOT_SMALLER ? blockSize : storedLength[b];
    }
    return lengths;
  }

  /** Compresses every block; answers the bytes stored, so that nothing is optimized away. */
  long compressAll() {
    long total = 0;
    for (int b = 0; b < stored.length; b++) {
      int n = compressBlock(b, out);
      total += n == BlockCodec.NOT_SMALLER ? blockSize : n;
    }
    return total;
  }

  /**
   * Stores the content as objects of {@code objectSize} bytes, each under its own {@link
   * ObjectCompressor} with the default probe: what ostore's rule costs, trying included.
   */
  long storeAll(int objectSize) {
    long total = 0;
    for (int start = 0; start < content.length; start += objectSize) {
      ObjectCompressor rule = ObjectCompressor.start(codec, ObjectCompressor.DEFAULT_PROBE_BYTES);
      for (int off = start; off < start + objectSize; off += blockSize) {
        int n = rule.compress(content, off, blockSize, out, 0);
        total += n == BlockCodec.NOT_SMALLER ? blockSize : n;
      }
    }
    return total;
  }

  /**
   * Writes the content as a gzip body from the stored blocks ({@link GzipAssembler}) into a
   * stream that drops it: what a GET that accepts gzip costs beyond sending the bytes. Only for
   * the gzip codec's blocks.
   */
  long gzipBody() throws IOException {
    Sink sink = new Sink();
    GzipAssembler gzip = GzipAssembler.to(sink);
    for (int b = 0; b < stored.length; b++) {
      if (storedLength[b] == BlockCodec.NOT_SMALLER) {
        gzip.rawBlock(content, b * blockSize, blockSize);
      } else {
        gzip.compressedBlock(stored[b], 0, storedLength[b], blockSize);
      }
    }
    gzip.finish();
    return sink.seen;
  }

  /** Drops what it is given, but looks at it, so that the writing is not optimized away. */
  private static final class Sink extends OutputStream {
    long seen;

    @Override
    public void write(int b) {
      seen += b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      seen += len + b[off + len - 1];
    }
  }

  /** Restores every block, decompressing or copying it; answers a byte of each. */
  int decompressAll() throws CorruptBlockException {
    int check = 0;
    for (int b = 0; b < stored.length; b++) {
      if (storedLength[b] == BlockCodec.NOT_SMALLER) {
        System.arraycopy(content, b * blockSize, out, 0, blockSize);
      } else {
        codec.decompress(stored[b], 0, storedLength[b], out, 0, blockSize);
      }
      check += out[b & (blockSize - 1)];
    }
    return check;
  }

  private int compressBlock(int b, byte[] dst) {
    return codec.compress(content, b * blockSize, blockSize, dst, 0,
        ObjectCompressor.blockLimit(blockSize));
  }

  @Override
  public void close() {
    codec.close();
  }
}
