package dev.ostore.erasure;

/**
 * The few matrix operations over {@link Galois} that building and inverting a code needs. Matrices
 * are {@code int[rows][cols]} of field elements; they are small (at most 255 by 255) and built once
 * per code or per cached loss pattern, so clarity wins over speed here.
 */
final class GfMatrix {
  private GfMatrix() {}

  /**
   * The systematic encoding matrix of klauspost/reedsolomon and JavaReedSolomon: the {@code
   * (k+m) x k} Vandermonde matrix V[r][c] = r^c, times the inverse of its top {@code k x k} square.
   * The top k rows become the identity (data shards are the data) and any k rows stay invertible.
   */
  static int[][] systematicVandermonde(int dataShards, int totalShards) {
    int[][] vandermonde = new int[totalShards][dataShards];
    for (int r = 0; r < totalShards; r++) {
      for (int c = 0; c < dataShards; c++) {
        vandermonde[r][c] = Galois.power(r, c);
      }
    }
    int[][] top = new int[dataShards][];
    System.arraycopy(vandermonde, 0, top, 0, dataShards);
    return multiply(vandermonde, invert(top));
  }

  static int[][] multiply(int[][] a, int[][] b) {
    int[][] product = new int[a.length][b[0].length];
    for (int r = 0; r < a.length; r++) {
      for (int c = 0; c < b[0].length; c++) {
        int sum = 0;
        for (int i = 0; i < b.length; i++) {
          sum ^= Galois.multiply(a[r][i], b[i][c]);
        }
        product[r][c] = sum;
      }
    }
    return product;
  }

  /** Gauss-Jordan elimination on a copy; the argument is left as it was. */
  static int[][] invert(int[][] square) {
    int n = square.length;
    int[][] work = new int[n][2 * n];
    for (int r = 0; r < n; r++) {
      System.arraycopy(square[r], 0, work[r], 0, n);
      work[r][n + r] = 1;
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      while (pivot < n && work[pivot][col] == 0) {
        pivot++;
      }
      if (pivot == n) {
        throw new IllegalArgumentException("matrix is singular");
      }
      int[] swap = work[col];
      work[col] = work[pivot];
      work[pivot] = swap;
      int scale = work[col][col];
      for (int c = 0; c < 2 * n; c++) {
        work[col][c] = Galois.divide(work[col][c], scale);
      }
      for (int r = 0; r < n; r++) {
        int factor = work[r][col];
        if (r != col && factor != 0) {
          for (int c = 0; c < 2 * n; c++) {
            work[r][c] ^= Galois.multiply(factor, work[col][c]);
          }
        }
      }
    }
    int[][] inverse = new int[n][n];
    for (int r = 0; r < n; r++) {
      System.arraycopy(work[r], n, inverse[r], 0, n);
    }
    return inverse;
  }
}
