package dev.ostore.erasure;

import java.io.IOException;

/** Where an {@link ErasureStreams#encoder} puts each encoded stripe (the object layer writes chunk
 * i to shard server i). */
public interface StripeSink {
  /**
   * chunks[i] holds shard i's chunk of this stripe in bytes [0, length). May keep no reference to
   * the arrays after returning (the encoder reuses them).
   */
  void write(long stripe, byte[][] chunks, int length) throws IOException;
}
