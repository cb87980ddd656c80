package dev.ostore.client;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body of a GET answer as the caller reads it: counts the bytes, reports them to the
 * listener, and turns an end of stream before Content-Length into an {@link EOFException}.
 * HttpURLConnection reports a connection that the server cut mid-body (a data server died
 * mid-transfer) as a normal end of stream, and a short read must never pass for a whole object.
 *
 * <p>Closing it closes the answer, which returns the connection to the JDK's keep-alive pool
 * when the body was read to the end. Not thread-safe, like any {@link InputStream}.
 */
final class BodyInputStream extends FilterInputStream {
  private final long size;
  private final TransferListener listener;
  private long count;

  /** {@code size} is the Content-Length, or -1 when the answer had none. */
  BodyInputStream(InputStream in, long size, TransferListener listener) {
    super(in);
    this.size = size;
    this.listener = listener;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    counted(b < 0 ? -1 : 1);
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    counted(n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = in.skip(n);
    if (skipped > 0) {
      counted(skipped);
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public String toString() {
    return "BodyInputStream(" + count + " of " + size + " bytes)";
  }

  private void counted(long n) throws EOFException {
    if (n < 0) {
      if (size >= 0 && count < size) {
        throw new EOFException(
            "object body ended after " + count + " of " + size + " bytes: connection cut");
      }
      return;
    }
    if (n > 0) {
      count += n;
      listener.transferred(count, size);
    }
  }
}
