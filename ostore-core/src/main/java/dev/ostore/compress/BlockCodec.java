package dev.ostore.compress;

/**
 * Compresses and decompresses blocks that are each decoded alone, so that a range of an object
 * costs only the blocks it touches. A block is stored compressed only when that saves space: the
 * caller gives the most bytes it will store ({@code limit}) and gets {@link #NOT_SMALLER} when the
 * compressed form would not fit, then stores the block as it is.
 *
 * <p>A codec is thread-confined (one per thread or per object being written or read) and may hold
 * native memory (the JDK's zlib); {@link #close} releases it, and is idempotent. Blocks compressed
 * by one instance are decompressed by any instance with the same {@link #id}.
 *
 * <pre>{@code
 * try (BlockCodec codec = BlockCodec.gzip(BlockCodec.DEFAULT_GZIP_LEVEL)) {
 *   int n = codec.compress(block, 0, block.length, stored, 0, block.length - 1);
 *   if (n == BlockCodec.NOT_SMALLER) { ... store block as is ... }
 *   codec.decompress(stored, 0, n, restored, 0, block.length);
 * }
 * }</pre>
 */
public interface BlockCodec extends AutoCloseable {
  /** What {@link #compress} answers when the block does not compress to {@code limit} bytes. */
  int NOT_SMALLER = -1;

  /** The gzip level ostore uses unless told otherwise; see docs/decisions.md, "Compression". */
  int DEFAULT_GZIP_LEVEL = 1;

  /**
   * The codec's number in a stored layout: stable forever, so that blocks written today are read
   * by every later release. 0 is never a codec's: it stands for "stored as is".
   */
  int id();

  /** A short name for logs and settings, such as {@code gzip}. */
  String name();

  /**
   * Compresses {@code src[srcOff, srcOff + len)} into {@code dst} from {@code dstOff}, writing at
   * most {@code limit} bytes (which {@code dst} must have room for).
   *
   * @return the compressed length, at most {@code limit}, or {@link #NOT_SMALLER} when the block
   *     does not compress that far (then what was written to {@code dst} means nothing)
   */
  int compress(byte[] src, int srcOff, int len, byte[] dst, int dstOff, int limit);

  /**
   * Decompresses the block {@code src[srcOff, srcOff + len)}, which must restore exactly {@code
   * originalLength} bytes, into {@code dst} from {@code dstOff}.
   *
   * @throws CorruptBlockException when the block is not one this codec wrote for that many bytes
   *     (truncated, altered, too long or too short), checked by the codec's own checksum too
   */
  void decompress(byte[] src, int srcOff, int len, byte[] dst, int dstOff, int originalLength)
      throws CorruptBlockException;

  /** Releases the codec's native memory; it cannot be used afterwards. */
  @Override
  void close();

  /**
   * The JDK's deflate at {@code level} (1 fastest to 9 smallest), one deflate segment per block
   * that ends in a full flush, followed by the block's CRC-32: blocks concatenate into a single
   * gzip member without recompression (see {@link GzipAssembler}). No dependency, no native code
   * beyond the JDK's own zlib.
   */
  static BlockCodec gzip(int level) {
    return new GzipBlockCodec(level);
  }

  /**
   * A codec that decompresses what the codec {@code id} wrote (compressing at its default level).
   *
   * @throws IllegalArgumentException when no codec has that id (a layout from a newer release)
   */
  static BlockCodec forId(int id) {
    if (id == GzipBlockCodec.ID) {
      return gzip(DEFAULT_GZIP_LEVEL);
    }
    throw new IllegalArgumentException("no block codec has id " + id);
  }
}
