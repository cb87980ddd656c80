package dev.ostore.erasure;

/**
 * Systematic Reed-Solomon over GF(2^8) (polynomial 0x11d, generator 2), Vandermonde-derived so
 * that parity equals klauspost/reedsolomon and Backblaze JavaReedSolomon.
 *
 * <p>A code has {@code k} data and {@code m} parity shards; any {@code k} of the {@code k + m}
 * shards give back the others. Shards are byte arrays of equal length, and every method works on
 * the same byte range {@code [offset, offset + length)} of each, leaving the rest untouched.
 * Instances are immutable apart from an internal cache and safe to share between threads.
 */
public interface ErasureCode {
  /**
   * A code of {@code dataShards} data and {@code parityShards} parity shards.
   *
   * @throws IllegalArgumentException unless {@code 1 <= k}, {@code 0 <= m} and {@code k + m <= 255}
   */
  static ErasureCode reedSolomon(int dataShards, int parityShards) {
    return new ReedSolomon(dataShards, parityShards);
  }

  int dataShards();

  int parityShards();

  /** {@code dataShards() + parityShards()}: the length every {@code shards} array must have. */
  int totalShards();

  /** Writes parity shards[k..k+m) from data shards[0..k), bytes [offset, offset+length) of each. */
  void encode(byte[][] shards, int offset, int length);

  /**
   * Rebuilds every shard i with present[i] false from any k present ones (same byte range); fewer
   * than k present is an IllegalArgumentException. Present shards are only read.
   */
  void reconstruct(byte[][] shards, boolean[] present, int offset, int length);

  /**
   * As {@link #reconstruct}, but rebuilds only the missing data shards and leaves missing parity
   * shards as they are: what a reader needs, at less cost when parity was lost too.
   */
  void reconstructData(byte[][] shards, boolean[] present, int offset, int length);
}
