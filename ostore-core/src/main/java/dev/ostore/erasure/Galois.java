package dev.ostore.erasure;

/**
 * Arithmetic in GF(2^8) as klauspost/reedsolomon and Backblaze's JavaReedSolomon define it: the
 * field polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d) with 2 as generator. Any other choice gives a
 * valid code but different parity, so shards written by those codecs could not be read back.
 */
final class Galois {
  static final int POLYNOMIAL = 0x11d;

  /** exp[i] = 2^i, doubled in length so that exp[log a + log b] needs no modulo. */
  private static final int[] EXP = new int[510];

  private static final int[] LOG = new int[256];

  /** MUL[a][b] = a * b: for the matrices, and the bytes {@link GfKernel} leaves out of longs. */
  private static final byte[][] MUL = new byte[256][256];

  static {
    int x = 1;
    for (int i = 0; i < 255; i++) {
      EXP[i] = x;
      EXP[i + 255] = x;
      LOG[x] = i;
      x <<= 1;
      if ((x & 0x100) != 0) {
        x ^= POLYNOMIAL;
      }
    }
    for (int a = 1; a < 256; a++) {
      for (int b = 1; b < 256; b++) {
        MUL[a][b] = (byte) EXP[LOG[a] + LOG[b]];
      }
    }
  }

  private Galois() {}

  static int multiply(int a, int b) {
    return MUL[a][b] & 0xff;
  }

  static int divide(int a, int b) {
    if (b == 0) {
      throw new ArithmeticException("division by zero in GF(2^8)");
    }
    return a == 0 ? 0 : EXP[LOG[a] + 255 - LOG[b]];
  }

  /** a^n, with 0^0 = 1 as the Vandermonde matrix of both reference codecs has it. */
  static int power(int a, int n) {
    if (n == 0) {
      return 1;
    }
    return a == 0 ? 0 : EXP[(LOG[a] * n) % 255];
  }
}
