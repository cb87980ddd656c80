package dev.ostore.compress;

/**
 * Tells, from how often each byte value occurs, that a block cannot be worth compressing, about
 * ten times faster than deflate finds out by trying (deflate works slowest on such data, at about
 * 50 MiB/s a core here; see docs/benchmarks.md). The order-0 entropy of a block is what Huffman
 * coding alone can bring it down to; above 8 * (1 - 1/64) bits a byte it cannot save the 1/64 a
 * block must save. Only repeated strings could still shrink such a block, and compressed,
 * encrypted and random data have none.
 */
final class ByteEntropy {
  /** Blocks shorter than this are always tried: too few bytes to estimate from, cheap to try. */
  static final int MIN_LENGTH = 4096;

  private ByteEntropy() {}

  /** Whether {@code b[off, off + len)} looks too random to save {@code 1/fraction} of itself. */
  static boolean incompressible(byte[] b, int off, int len, int fraction) {
    if (len < MIN_LENGTH) {
      return false;
    }
    // Four tables, so that runs of one byte value do not wait on one counter.
    int[] counts = new int[4 * 256];
    int end = off + len - 3;
    int i = off;
    for (; i < end; i += 4) {
      counts[b[i] & 0xff]++;
      counts[256 + (b[i + 1] & 0xff)]++;
      counts[512 + (b[i + 2] & 0xff)]++;
      counts[768 + (b[i + 3] & 0xff)]++;
    }
    for (; i < off + len; i++) {
      counts[b[i] & 0xff]++;
    }
    // Entropy in bits = log2(len) - sum(n * log2(n)) / len, over the 256 values.
    double sum = 0;
    for (int v = 0; v < 256; v++) {
      int n = counts[v] + counts[256 + v] + counts[512 + v] + counts[768 + v];
      if (n > 0) {
        sum += n * Math.log(n);
      }
    }
    double bitsPerByte = (Math.log(len) - sum / len) / Math.log(2);
    return bitsPerByte > 8.0 * (fraction - 1) / fraction;
  }
}
