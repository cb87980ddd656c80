package dev.ostore.compress;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * ostore's rule for compressing one object, block by block, decided by trying: the object's first
 * {@code probeBytes} are compressed; if they saved less than {@value #MIN_OBJECT_SAVING_PERCENT}%,
 * the object is not worth compressing and every later block is declined without trying, so that
 * incompressible content (media, archives, encrypted or random bytes) costs one probe and then
 * nothing. Within a compressed object, a block is kept compressed only when that saves at least
 * 1/{@value #MIN_BLOCK_SAVING_FRACTION} of it; otherwise it is stored as is (cheaper to read). A
 * block whose byte frequencies show that it cannot save that much is not even tried: an
 * incompressible object costs a byte count over its probe, about a tenth of a deflate attempt.
 *
 * <p>Not thread-safe: one per object being written. It does not own the codec.
 *
 * <pre>{@code
 * ObjectCompressor rule = ObjectCompressor.start(codec, ObjectCompressor.DEFAULT_PROBE_BYTES);
 * int n = rule.compress(block, 0, block.length, stored, 0); // NOT_SMALLER: store block as is
 * ... after the first stripe (or at the end of a smaller object):
 * if (!rule.worthIt()) { ... store the whole object as is, no compressed layout ... }
 * }</pre>
 */
public final class ObjectCompressor {
  /** The probe unless told otherwise: four 64 KiB blocks, the first stripe of a 4+2 layout. */
  public static final int DEFAULT_PROBE_BYTES = 256 * 1024;

  static final int MIN_OBJECT_SAVING_PERCENT = 10;
  static final int MIN_BLOCK_SAVING_FRACTION = 64;

  private final BlockCodec codec;
  private final int probeBytes;
  private long tried;
  private long saved;

  private ObjectCompressor(BlockCodec codec, int probeBytes) {
    this.codec = requireNonNull(codec, "codec");
    checkArgument(probeBytes > 0, "probeBytes (%s) must be positive", probeBytes);
    this.probeBytes = probeBytes;
  }

  /** The rule for a new object, judged on its first {@code probeBytes} bytes. */
  public static ObjectCompressor start(BlockCodec codec, int probeBytes) {
    return new ObjectCompressor(codec, probeBytes);
  }

  /** The rule for an object whose blocks so far {@code tried} bytes and {@code saved} some. */
  static ObjectCompressor resume(BlockCodec codec, int probeBytes, long tried, long saved) {
    ObjectCompressor rule = new ObjectCompressor(codec, probeBytes);
    rule.tried = tried;
    rule.saved = saved;
    return rule;
  }

  int probeBytes() {
    return probeBytes;
  }

  long tried() {
    return tried;
  }

  long saved() {
    return saved;
  }

  /**
   * Compresses one block of the object into {@code dst} from {@code dstOff}, which has room for
   * {@code len} bytes, unless the block or the object is not worth it.
   *
   * @return the compressed length, or {@link BlockCodec#NOT_SMALLER}: store the block as is
   */
  public int compress(byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
    if (tried >= probeBytes && !worthIt()) {
      return BlockCodec.NOT_SMALLER;
    }
    tried += len;
    if (ByteEntropy.incompressible(src, srcOff, len, MIN_BLOCK_SAVING_FRACTION)) {
      return BlockCodec.NOT_SMALLER;
    }
    int n = codec.compress(src, srcOff, len, dst, dstOff, blockLimit(len));
    saved += n == BlockCodec.NOT_SMALLER ? 0 : len - n;
    return n;
  }

  /**
   * Whether the blocks tried so far saved at least {@value #MIN_OBJECT_SAVING_PERCENT}% together:
   * once the probe is done, or at the end of an object shorter than the probe, whether to store
   * the object compressed. False before any byte was tried.
   */
  public boolean worthIt() {
    return tried > 0 && saved * 100 >= tried * MIN_OBJECT_SAVING_PERCENT;
  }

  /** The most bytes a compressed block of {@code len} bytes may take to be kept. */
  static int blockLimit(int len) {
    return len - Math.max(1, len / MIN_BLOCK_SAVING_FRACTION);
  }
}
