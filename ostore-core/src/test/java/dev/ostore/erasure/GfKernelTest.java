package dev.ostore.erasure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The kernel's long-at-a-time Horner form against the field's products taken byte by byte. */
class GfKernelTest {
  @Test
  void testApply_equalsByteByByteProducts_forAnyCoefficientsRangeAndLength() {
    Random random = new Random(13);
    int[][] shapes = {{1, 1}, {4, 2}, {3, 5}, {10, 4}};
    for (int[] shape : shapes) {
      for (int trial = 0; trial < 20; trial++) {
        int[][] coefficients = new int[shape[1]][shape[0]];
        for (int[] row : coefficients) {
          for (int i = 0; i < row.length; i++) {
            row[i] = random.nextInt(4) == 0 ? new int[] {0, 1, 255}[random.nextInt(3)]
                : random.nextInt(256);
          }
        }
        int size = 1 + random.nextInt(9000);
        int offset = random.nextInt(size);
        int length = random.nextInt(size - offset + 1);
        assertMatchesReference(coefficients, size, offset, length, random);
      }
    }
  }

  @Test
  void testApply_rowOfZeros_clearsItsOutput() {
    assertMatchesReference(new int[][] {{0, 0, 0}}, 4100, 3, 4096, new Random(1));
  }

  private static void assertMatchesReference(
      int[][] coefficients, int size, int offset, int length, Random random) {
    byte[][] inputs = new byte[coefficients[0].length][size];
    for (byte[] input : inputs) {
      random.nextBytes(input);
    }
    byte[][] outputs = new byte[coefficients.length][size];
    byte[][] expected = new byte[coefficients.length][];
    for (int o = 0; o < outputs.length; o++) {
      random.nextBytes(outputs[o]);
      expected[o] = outputs[o].clone();
      for (int j = offset; j < offset + length; j++) {
        int sum = 0;
        for (int i = 0; i < inputs.length; i++) {
          sum ^= Galois.multiply(coefficients[o][i], inputs[i][j] & 0xff);
        }
        expected[o][j] = (byte) sum;
      }
    }
    new GfKernel(coefficients).apply(inputs, outputs, offset, length);
    for (int o = 0; o < outputs.length; o++) {
      assertArrayEquals(expected[o], outputs[o], "output " + o + ", offset " + offset
          + ", length " + length);
    }
  }
}
