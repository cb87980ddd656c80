package dev.ostore.erasure;

import java.io.IOException;

/** Where an {@link ErasureStreams#decoder} gets each stripe's chunks (the object layer reads shard
 * i from shard server i). */
public interface StripeSource {
  /**
   * Fills chunks[i][0, length) for at least k shards of the stripe, sets present[i] for each
   * filled one (present arrives all false), preferring data shards; throws IOException if it
   * cannot fill k.
   */
  void read(long stripe, int length, byte[][] chunks, boolean[] present) throws IOException;
}
