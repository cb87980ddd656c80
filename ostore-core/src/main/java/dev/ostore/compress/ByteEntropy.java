package dev.ostore.compress;

/**
 * Tells, from how often each byte value occurs, that a block cannot be worth compressing, long
 * before deflate would find out by trying (deflate works slowest on such data, at about 50 MiB/s
 * a core here; see docs/benchmarks.md). The order-0 entropy of a block is what Huffman coding
 * alone can bring it down to; above 8 * (1 - 1/64) bits a byte it cannot save the 1/64 a block
 * must save. Only repeated strings could still shrink such a block, and compressed, encrypted and
 * random data have none. The bytes are counted in {@value #RUNS} runs of {@value #RUN} spread
 * over the block, so that the check costs a few percent of a deflate attempt on any block.
 */
final class ByteEntropy {
  static final int RUNS = 16;
  static final int RUN = 256;
  /** Blocks shorter than one sample are always tried: cheap to try, too few bytes to judge. */
  static final int MIN_LENGTH = RUNS * RUN;

  private ByteEntropy() {}

  /** Whether {@code b[off, off + len)} looks too random to save {@code 1/fraction} of itself. */
  static boolean incompressible(byte[] b, int off, int len, int fraction) {
    if (len < MIN_LENGTH) {
      return false;
    }
    int[] counts = new int[256];
    int stride = len / RUNS;
    for (int run = 0; run < RUNS; run++) {
      for (int i = off + run * stride, end = i + RUN; i < end; i++) {
        counts[b[i] & 0xff]++;
      }
    }
    // Entropy in bits = log2(n) - sum(c * log2(c)) / n over the 256 values, n bytes counted.
    double sum = 0;
    for (int c : counts) {
      if (c > 0) {
        sum += c * Math.log(c);
      }
    }
    double bitsPerByte = (Math.log(MIN_LENGTH) - sum / MIN_LENGTH) / Math.log(2);
    return bitsPerByte > 8.0 * (fraction - 1) / fraction;
  }
}
