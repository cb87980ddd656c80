package dev.ostore.erasure;

import java.io.IOException;

/** Where an {@link ErasureStreams#encoder} puts each encoded stripe (the object layer writes chunk
 * i to shard server i). */
public interface StripeSink {
  /**
   * chunks[i] holds shard i's chunk of this stripe in bytes [0, length). The sink may keep an
   * array rather than copy it if it puts another of the same length in its place in {@code
   * chunks}; it keeps no reference to any other after returning: the caller reuses them.
   */
  void write(long stripe, byte[][] chunks, int length) throws IOException;
}
