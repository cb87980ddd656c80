package dev.ostore.erasure;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A fixed linear map over {@link Galois} applied to shards: output o is the sum over i of
 * {@code c[o][i] * input i}, byte by byte. Immutable and safe to share between threads.
 *
 * <p>Instead of one table load per byte and coefficient, each output is built by Horner's rule
 * over the coefficients' bits, eight bytes in a long at a time: with S_b the XOR of the inputs
 * whose coefficient has bit b set, the output is {@code (..((S_7 * 2 ^ S_6) * 2 ^ S_5)..) ^ S_0},
 * and doubling eight field elements in a long takes six ALU operations. Every pass is then a
 * plain loop over longs, which the JIT unrolls (and may vectorise); no table loads, which bound
 * the table-driven form this replaced (see docs/benchmarks.md, section 13).
 */
final class GfKernel {
  /** Plain (unaligned) long access to byte arrays; the byte order does not matter bytewise. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private static final long LOW_BITS = 0x0101010101010101L;
  private static final long ALL_BUT_HIGH_BITS = 0x7f7f7f7f7f7f7f7fL;

  /**
   * Bytes per pass. An output makes up to 7 doubling passes and a few XOR passes over its tile,
   * so the tiles of the output and its inputs should stay in L1 or L2 (10+4 reads 10 tiles).
   */
  private static final int TILE = 4096;

  private final int[][] coefficients;
  /** terms[o][b]: the inputs whose coefficient in output o has bit b set, in input order. */
  private final int[][][] terms;

  /** coefficients[o][i]: the field element multiplying input i in output o. */
  GfKernel(int[][] coefficients) {
    this.coefficients = new int[coefficients.length][];
    this.terms = new int[coefficients.length][Byte.SIZE][];
    for (int o = 0; o < coefficients.length; o++) {
      int[] row = coefficients[o].clone();
      this.coefficients[o] = row;
      for (int b = 0; b < Byte.SIZE; b++) {
        int[] inputs = new int[row.length];
        int n = 0;
        for (int i = 0; i < row.length; i++) {
          if ((row[i] >>> b & 1) != 0) {
            inputs[n++] = i;
          }
        }
        terms[o][b] = Arrays.copyOf(inputs, n);
      }
    }
  }

  /** Sets outputs[o][offset, offset + length) from inputs[i] over the same range. */
  void apply(byte[][] inputs, byte[][] outputs, int offset, int length) {
    int end = offset + length;
    int wordsEnd = offset + (length & ~(Long.BYTES - 1));
    for (int start = offset; start < wordsEnd; start += TILE) {
      int stop = Math.min(wordsEnd, start + TILE);
      for (int o = 0; o < outputs.length; o++) {
        horner(terms[o], inputs, outputs[o], start, stop);
      }
    }
    for (int o = 0; o < outputs.length; o++) {
      for (int j = wordsEnd; j < end; j++) {
        int sum = 0;
        for (int i = 0; i < inputs.length; i++) {
          sum ^= Galois.multiply(coefficients[o][i], inputs[i][j] & 0xff);
        }
        outputs[o][j] = (byte) sum;
      }
    }
  }

  /**
   * out[start, stop) = the output whose bit terms are given; stop - start is a multiple of 8. Each
   * pass takes up to two inputs, so that out is loaded and stored once for two of them.
   */
  private static void horner(int[][] terms, byte[][] inputs, byte[] out, int start, int stop) {
    boolean started = false;
    for (int b = Byte.SIZE - 1; b >= 0; b--) {
      int[] added = terms[b];
      int next = 0;
      if (started && added.length == 0) {
        twice(out, start, stop);
      } else if (started && added.length == 1) {
        twiceXor(inputs[added[next++]], out, start, stop);
      } else if (started) {
        twiceXor(inputs[added[next++]], inputs[added[next++]], out, start, stop);
      } else if (added.length == 1) {
        System.arraycopy(inputs[added[next++]], start, out, start, stop - start);
        started = true;
      } else if (added.length > 1) {
        sum(inputs[added[next++]], inputs[added[next++]], out, start, stop);
        started = true;
      }
      for (; next + 1 < added.length; next += 2) {
        xor(inputs[added[next]], inputs[added[next + 1]], out, start, stop);
      }
      if (next < added.length) {
        xor(inputs[added[next]], out, start, stop);
      }
    }
    if (!started) {
      Arrays.fill(out, start, stop, (byte) 0);
    }
  }

  /** Multiplies each byte by 2 in the field: shift left, and reduce where the top bit fell out. */
  private static long twice(long p) {
    long carries = (p >>> 7) & LOW_BITS;
    return ((p & ALL_BUT_HIGH_BITS) << 1) ^ (carries * (Galois.POLYNOMIAL & 0xff));
  }

  private static void twice(byte[] out, int start, int stop) {
    for (int j = start; j < stop; j += Long.BYTES) {
      LONGS.set(out, j, twice((long) LONGS.get(out, j)));
    }
  }

  /** out = 2 * out + in, one pass where two would load and store out twice. */
  private static void twiceXor(byte[] in, byte[] out, int start, int stop) {
    for (int j = start; j < stop; j += Long.BYTES) {
      LONGS.set(out, j, twice((long) LONGS.get(out, j)) ^ (long) LONGS.get(in, j));
    }
  }

  /** out = 2 * out + in1 + in2. */
  private static void twiceXor(byte[] in1, byte[] in2, byte[] out, int start, int stop) {
    for (int j = start; j < stop; j += Long.BYTES) {
      LONGS.set(out, j, twice((long) LONGS.get(out, j)) ^ (long) LONGS.get(in1, j)
          ^ (long) LONGS.get(in2, j));
    }
  }

  /** out = in1 + in2. */
  private static void sum(byte[] in1, byte[] in2, byte[] out, int start, int stop) {
    for (int j = start; j < stop; j += Long.BYTES) {
      LONGS.set(out, j, (long) LONGS.get(in1, j) ^ (long) LONGS.get(in2, j));
    }
  }

  private static void xor(byte[] in, byte[] out, int start, int stop) {
    for (int j = start; j < stop; j += Long.BYTES) {
      LONGS.set(out, j, (long) LONGS.get(out, j) ^ (long) LONGS.get(in, j));
    }
  }

  /** out = out + in1 + in2. */
  private static void xor(byte[] in1, byte[] in2, byte[] out, int start, int stop) {
    for (int j = start; j < stop; j += Long.BYTES) {
      LONGS.set(out, j, (long) LONGS.get(out, j) ^ (long) LONGS.get(in1, j)
          ^ (long) LONGS.get(in2, j));
    }
  }
}
