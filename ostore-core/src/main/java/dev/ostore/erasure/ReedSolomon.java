package dev.ostore.erasure;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The only {@link ErasureCode}: a table-driven scalar Reed-Solomon codec. */
final class ReedSolomon implements ErasureCode {
  /**
   * Loss patterns whose decoding matrix is kept. One pattern per failed set of servers is what a
   * degraded cluster meets; 4+2 has only 15 patterns in all, 10+4 about a thousand.
   */
  static final int DECODER_CACHE_SIZE = 64;

  /**
   * Bytes coded per pass over all inputs and outputs. 4 KiB keeps the slices of a 10+4 stripe
   * (14 of them) inside a 64 KiB L1/L2 working set while the loops stay long enough to run fast.
   */
  private static final int TILE = 4096;

  private final int dataShards;
  private final int parityShards;
  /** The systematic encoding matrix, {@code (k + m) x k}. */
  private final int[][] matrix;
  /** parityRows[p][i]: multiplication row of the coefficient of data shard i in parity p. */
  private final byte[][][] parityRows;

  /** Inverse of the chosen rows' matrix, as multiplication rows, keyed by the chosen rows. */
  private final Map<BitSet, byte[][][]> decoders =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<BitSet, byte[][][]> eldest) {
          return size() > DECODER_CACHE_SIZE;
        }
      };

  ReedSolomon(int dataShards, int parityShards) {
    if (dataShards < 1 || parityShards < 0 || dataShards + parityShards > 255) {
      throw new IllegalArgumentException("need 1 <= k, 0 <= m, k + m <= 255; got k="
          + dataShards + ", m=" + parityShards);
    }
    this.dataShards = dataShards;
    this.parityShards = parityShards;
    this.matrix = GfMatrix.systematicVandermonde(dataShards, dataShards + parityShards);
    this.parityRows = new byte[parityShards][][];
    for (int p = 0; p < parityShards; p++) {
      parityRows[p] = multiplicationRows(matrix[dataShards + p]);
    }
  }

  @Override
  public int dataShards() {
    return dataShards;
  }

  @Override
  public int parityShards() {
    return parityShards;
  }

  @Override
  public int totalShards() {
    return dataShards + parityShards;
  }

  @Override
  public void encode(byte[][] shards, int offset, int length) {
    checkShards(shards, offset, length);
    byte[][] data = new byte[dataShards][];
    System.arraycopy(shards, 0, data, 0, dataShards);
    byte[][] parity = new byte[parityShards][];
    System.arraycopy(shards, dataShards, parity, 0, parityShards);
    code(parityRows, data, parity, offset, length);
  }

  @Override
  public void reconstruct(byte[][] shards, boolean[] present, int offset, int length) {
    reconstructData(shards, present, offset, length);
    int missing = 0;
    for (int p = dataShards; p < present.length; p++) {
      missing += present[p] ? 0 : 1;
    }
    if (missing == 0) {
      return;
    }
    byte[][][] rows = new byte[missing][][];
    byte[][] outputs = new byte[missing][];
    for (int p = dataShards, n = 0; p < present.length; p++) {
      if (!present[p]) {
        rows[n] = parityRows[p - dataShards];
        outputs[n++] = shards[p];
      }
    }
    byte[][] data = new byte[dataShards][];
    System.arraycopy(shards, 0, data, 0, dataShards);
    code(rows, data, outputs, offset, length);
  }

  @Override
  public void reconstructData(byte[][] shards, boolean[] present, int offset, int length) {
    checkShards(shards, offset, length);
    if (present.length != totalShards()) {
      throw new IllegalArgumentException(
          "present has " + present.length + " entries, need " + totalShards());
    }
    // The first k present shards: data ones come first, and each one present saves work.
    BitSet chosen = new BitSet(totalShards());
    byte[][] inputs = new byte[dataShards][];
    for (int i = 0; i < present.length && chosen.cardinality() < dataShards; i++) {
      if (present[i]) {
        inputs[chosen.cardinality()] = shards[i];
        chosen.set(i);
      }
    }
    if (chosen.cardinality() < dataShards) {
      throw new IllegalArgumentException("only " + chosen.cardinality() + " shards present, need "
          + dataShards + " to reconstruct");
    }
    int missing = dataShards - chosen.get(0, dataShards).cardinality();
    if (missing == 0) {
      return;
    }
    byte[][][] inverse = decoder(chosen);
    byte[][][] rows = new byte[missing][][];
    byte[][] outputs = new byte[missing][];
    for (int d = 0, n = 0; d < dataShards; d++) {
      if (!present[d]) {
        rows[n] = inverse[d];
        outputs[n++] = shards[d];
      }
    }
    code(rows, inputs, outputs, offset, length);
  }

  /** Number of cached decoding matrices (for tests of the bound). */
  int cachedDecoders() {
    synchronized (decoders) {
      return decoders.size();
    }
  }

  /**
   * Row d of the result turns the chosen shards back into data shard d. Inverting outside the lock
   * lets two threads meeting a new pattern both invert it; that is cheaper than serialising them.
   */
  private byte[][][] decoder(BitSet chosen) {
    synchronized (decoders) {
      byte[][][] cached = decoders.get(chosen);
      if (cached != null) {
        return cached;
      }
    }
    int[][] sub = new int[dataShards][];
    for (int i = chosen.nextSetBit(0), r = 0; i >= 0; i = chosen.nextSetBit(i + 1)) {
      sub[r++] = matrix[i];
    }
    int[][] inverse = GfMatrix.invert(sub);
    byte[][][] rows = new byte[dataShards][][];
    for (int d = 0; d < dataShards; d++) {
      rows[d] = multiplicationRows(inverse[d]);
    }
    synchronized (decoders) {
      decoders.put(chosen, rows);
    }
    return rows;
  }

  /**
   * outputs[o] = sum over i of rows[o][i] * inputs[i], byte by byte in [offset, offset + length).
   * Tiled so that each tile of every input and output stays in cache while all pairs use it, and
   * inputs taken four at a time so that each output byte is loaded and stored once per four
   * products rather than once per product: table loads are then most of the work.
   */
  private static void code(
      byte[][][] rows, byte[][] inputs, byte[][] outputs, int offset, int length) {
    int end = offset + length;
    for (int start = offset; start < end; start += TILE) {
      int stop = Math.min(end, start + TILE);
      for (int o = 0; o < outputs.length; o++) {
        for (int i = 0; i < inputs.length; i += 4) {
          addProducts(rows[o], inputs, i, outputs[o], start, stop, i == 0);
        }
      }
    }
  }

  /** out[j] (= or ^=) the products of inputs first..first+3 (fewer at the end) in [start, stop). */
  private static void addProducts(byte[][] row, byte[][] inputs, int first, byte[] out,
      int start, int stop, boolean overwrite) {
    switch (Math.min(4, inputs.length - first)) {
      case 4 -> {
        byte[] t0 = row[first];
        byte[] t1 = row[first + 1];
        byte[] t2 = row[first + 2];
        byte[] t3 = row[first + 3];
        byte[] a = inputs[first];
        byte[] b = inputs[first + 1];
        byte[] c = inputs[first + 2];
        byte[] d = inputs[first + 3];
        for (int j = start; j < stop; j++) {
          byte sum = (byte) (t0[a[j] & 0xff] ^ t1[b[j] & 0xff] ^ t2[c[j] & 0xff] ^ t3[d[j] & 0xff]);
          out[j] = overwrite ? sum : (byte) (out[j] ^ sum);
        }
      }
      case 3 -> {
        byte[] t0 = row[first];
        byte[] t1 = row[first + 1];
        byte[] t2 = row[first + 2];
        byte[] a = inputs[first];
        byte[] b = inputs[first + 1];
        byte[] c = inputs[first + 2];
        for (int j = start; j < stop; j++) {
          byte sum = (byte) (t0[a[j] & 0xff] ^ t1[b[j] & 0xff] ^ t2[c[j] & 0xff]);
          out[j] = overwrite ? sum : (byte) (out[j] ^ sum);
        }
      }
      case 2 -> {
        byte[] t0 = row[first];
        byte[] t1 = row[first + 1];
        byte[] a = inputs[first];
        byte[] b = inputs[first + 1];
        for (int j = start; j < stop; j++) {
          byte sum = (byte) (t0[a[j] & 0xff] ^ t1[b[j] & 0xff]);
          out[j] = overwrite ? sum : (byte) (out[j] ^ sum);
        }
      }
      default -> {
        byte[] t0 = row[first];
        byte[] a = inputs[first];
        for (int j = start; j < stop; j++) {
          byte sum = t0[a[j] & 0xff];
          out[j] = overwrite ? sum : (byte) (out[j] ^ sum);
        }
      }
    }
  }

  private static byte[][] multiplicationRows(int[] coefficients) {
    byte[][] rows = new byte[coefficients.length][];
    for (int i = 0; i < coefficients.length; i++) {
      rows[i] = Galois.multiplicationRow(coefficients[i]);
    }
    return rows;
  }

  private void checkShards(byte[][] shards, int offset, int length) {
    if (shards.length != totalShards()) {
      throw new IllegalArgumentException(
          "got " + shards.length + " shards, need " + totalShards());
    }
    for (int i = 0; i < shards.length; i++) {
      Objects.requireNonNull(shards[i], "shard " + i);
      Objects.checkFromIndexSize(offset, length, shards[i].length);
    }
  }
}
