package dev.ostore.erasure;

import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The only {@link ErasureCode}: Reed-Solomon in pure Java, coded by {@link GfKernel}. */
final class ReedSolomon implements ErasureCode {
  /**
   * Loss patterns whose decoding matrix is kept. One pattern per failed set of servers is what a
   * degraded cluster meets; 4+2 has only 15 patterns in all, 10+4 about a thousand.
   */
  static final int DECODER_CACHE_SIZE = 64;

  private final int dataShards;
  private final int parityShards;
  /** The systematic encoding matrix, {@code (k + m) x k}. */
  private final int[][] matrix;
  /** Computes all parity shards from the data shards. */
  private final GfKernel encoder;

  /** Inverse of the chosen rows' matrix, keyed by the chosen rows. */
  private final Map<BitSet, int[][]> decoders =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<BitSet, int[][]> eldest) {
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
    this.encoder = new GfKernel(Arrays.copyOfRange(matrix, dataShards, matrix.length));
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
    encoder.apply(data, parity, offset, length);
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
    int[][] rows = new int[missing][];
    byte[][] outputs = new byte[missing][];
    for (int p = dataShards, n = 0; p < present.length; p++) {
      if (!present[p]) {
        rows[n] = matrix[p];
        outputs[n++] = shards[p];
      }
    }
    byte[][] data = new byte[dataShards][];
    System.arraycopy(shards, 0, data, 0, dataShards);
    new GfKernel(rows).apply(data, outputs, offset, length);
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
    int[][] inverse = decoder(chosen);
    int[][] rows = new int[missing][];
    byte[][] outputs = new byte[missing][];
    for (int d = 0, n = 0; d < dataShards; d++) {
      if (!present[d]) {
        rows[n] = inverse[d];
        outputs[n++] = shards[d];
      }
    }
    new GfKernel(rows).apply(inputs, outputs, offset, length);
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
  private int[][] decoder(BitSet chosen) {
    synchronized (decoders) {
      int[][] cached = decoders.get(chosen);
      if (cached != null) {
        return cached;
      }
    }
    int[][] sub = new int[dataShards][];
    for (int i = chosen.nextSetBit(0), r = 0; i >= 0; i = chosen.nextSetBit(i + 1)) {
      sub[r++] = matrix[i];
    }
    int[][] inverse = GfMatrix.invert(sub);
    synchronized (decoders) {
      decoders.put(chosen, inverse);
    }
    return inverse;
  }

  private void checkShards(byte[][] shards, int offset, int length) {
    if (shards.length != totalShards()) {
      throw new IllegalArgumentException(
          "got " + shards.length + " shards, need " + totalShards());
    }
    for (int i = 0; i < shards.length; i++) {
      if (shards[i] == null) { // not requireNonNull: its message would be built on every call
        throw new NullPointerException("shard " + i);
      }
      Objects.checkFromIndexSize(offset, length, shards[i].length);
    }
  }
}
