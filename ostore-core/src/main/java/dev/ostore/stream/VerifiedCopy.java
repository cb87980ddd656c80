package dev.ostore.stream;

import dev.ostore.ContentHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Copies bytes that must hash to a known SHA-256, so that a reader never takes corrupt bytes for
 * good ones: the last chunk is held back until the whole stream has been hashed, and is written
 * only when the hash matches. On a mismatch the receiver has an incomplete body, which the HTTP
 * layer then cuts off, and the caller decides what else to do. One pass, no second read.
 */
public final class VerifiedCopy {
  /**
   * Per read and write. 256 KiB relayed a 1 GiB GET through the api server in 1.67 s where 64 KiB
   * took 1.93 s (same run; docs/benchmarks.md, section 9); a copy holds two chunks.
   */
  static final int CHUNK = 256 * 1024;

  private VerifiedCopy() {}

  /**
   * Copies {@code in} to {@code out}; returns true when the bytes hashed to {@code expected} and
   * were all written, false when they did not and the last chunk was kept back. {@code length},
   * the size the caller expects, only sizes the buffers: a 4 KiB object then costs 8 KiB of
   * buffers rather than 512 KiB, which showed in the rate of small GETs.
   */
  public static boolean copy(InputStream in, OutputStream out, ContentHash expected, long length)
      throws IOException {
    int chunk = (int) Math.max(1, Math.min(CHUNK, length));
    MessageDigest digest = ContentHash.newDigest();
    byte[] held = new byte[chunk];
    byte[] next = new byte[chunk];
    int heldLength = in.readNBytes(held, 0, chunk);
    digest.update(held, 0, heldLength);
    while (heldLength == chunk) {
      int nextLength = in.readNBytes(next, 0, chunk);
      if (nextLength == 0) {
        break;
      }
      digest.update(next, 0, nextLength);
      out.write(held, 0, heldLength);
      byte[] swap = held;
      held = next;
      next = swap;
      heldLength = nextLength;
    }
    if (!ContentHash.of(digest.digest()).equals(expected)) {
      return false;
    }
    out.write(held, 0, heldLength);
    return true;
  }
}
