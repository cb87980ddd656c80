package dev.ostore;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a stream's bytes go that may keep the caller's buffer rather than copy it: for a writer
 * that fills one buffer again and again, as an upload's body is read.
 */
public interface BufferTaker {
  /**
   * Takes {@code buffer[0, length)} as a stream's {@code write} would, and returns the buffer for
   * the caller to fill next: {@code buffer} itself, or another of the same length that this
   * taker is done with. The caller touches {@code buffer} no more unless it comes back.
   */
  byte[] take(byte[] buffer, int length) throws IOException;

  /** Has {@code out} take {@code buffer[0, length)}, or writes it there if it takes none. */
  static byte[] give(OutputStream out, byte[] buffer, int length) throws IOException {
    if (out instanceof BufferTaker taker) {
      return taker.take(buffer, length);
    }
    out.write(buffer, 0, length);
    return buffer;
  }
}
