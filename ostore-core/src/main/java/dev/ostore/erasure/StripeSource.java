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

  /**
   * As {@link #read(long, int, byte[][], boolean[])}, for a reader that needs only the data
   * chunks {@code wanted} names (a range of the object): a source may fill just those, and
   * fills at least k when it cannot. By default it fills k.
   */
  default void read(long stripe, int length, byte[][] chunks, boolean[] present,
      boolean[] wanted) throws IOException {
    read(stripe, length, chunks, present);
  }

  /**
   * As {@link #read(long, int, byte[][], boolean[], boolean[])}, but a source that holds the
   * chunks in arrays of its own may lend those rather than copy them: it sets chunks[i] to its
   * array and offsets[i] to where the chunk starts in it. A lent chunk is the reader's to read,
   * not to write, until the source's next read or its close. Offsets arrive 0; by default the
   * source copies.
   */
  default void lend(long stripe, int length, byte[][] chunks, int[] offsets, boolean[] present,
      boolean[] wanted) throws IOException {
    read(stripe, length, chunks, present, wanted);
  }
}
