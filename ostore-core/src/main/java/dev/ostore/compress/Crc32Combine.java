package dev.ostore.compress;

/**
 * The CRC-32 of two byte runs put together, from the CRC-32 of each and the length of the second
 * (zlib's {@code crc32_combine}, by multiplication modulo the CRC polynomial): how a gzip trailer
 * is made from the CRCs stored with the blocks, without reading the original bytes again.
 */
final class Crc32Combine {
  /** The CRC-32 polynomial, reflected. */
  private static final int POLY = 0xedb88320;
  /** X2N[n] is x^(2^n) modulo the polynomial. */
  private static final int[] X2N = new int[32];

  static {
    int p = 1 << 30; // x^1
    X2N[0] = p;
    for (int n = 1; n < 32; n++) {
      X2N[n] = p = multiply(p, p);
    }
  }

  private Crc32Combine() {}

  /** The CRC-32 of {@code a} followed by {@code b}, where {@code b} is {@code lengthB} bytes. */
  static int combine(int crcA, int crcB, long lengthB) {
    return multiply(powerOfX(lengthB, 3), crcA) ^ crcB;
  }

  /** a times b modulo the polynomial (both reflected, bit 31 is x^0). */
  private static int multiply(int a, int b) {
    int m = 1 << 31;
    int p = 0;
    while (true) {
      if ((a & m) != 0) {
        p ^= b;
        if ((a & (m - 1)) == 0) {
          return p;
        }
      }
      m >>>= 1;
      b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
    }
  }

  /** x^(n * 2^k) modulo the polynomial: for k = 3, the shift of n bytes. */
  private static int powerOfX(long n, int k) {
    int p = 1 << 31; // x^0
    while (n != 0) {
      if ((n & 1) != 0) {
        p = multiply(X2N[k & 31], p);
      }
      n >>>= 1;
      k++;
    }
    return p;
  }
}
