package dev.ostore.client;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * The body of a GET answer as the caller reads it: counts the bytes, reports them to the
 * listener, hashes them, and checks the whole at the end of the stream. An end of stream before
 * Content-Length is an {@link EOFException}: HttpURLConnection reports a connection that the
 * server cut mid-body (a data server died mid-transfer) as a normal end, and a short read must
 * never pass for a whole object. Bytes whose SHA-256 is not the one the server declared make the
 * read that reaches the end throw {@link DigestMismatchException} instead of returning -1.
 *
 * <p>So a caller that reads to the end (-1) has exactly the declared bytes; a caller that stops
 * early has checked nothing. {@code skip} reads the bytes it skips, so they are hashed too.
 * Closing it closes the answer, which returns the connection to the JDK's keep-alive pool when
 * the body was read to the end. Not thread-safe, like any {@link InputStream}.
 */
final class BodyInputStream extends FilterInputStream {
  private final long size;
  private final TransferListener listener;
  private final String what;
  private final String declared;
  private final MessageDigest digest = Sha256.newDigest();
  private long count;
  /** The failure of the end-of-stream check, thrown again at every later end. */
  private IOException failed;
  private boolean verified;

  /**
   * {@code size} is the Content-Length, or -1 when the answer had none; {@code declared} the
   * base64 SHA-256 the answer declared; {@code what} names the request in messages.
   */
  BodyInputStream(InputStream in, long size, String declared, String what,
      TransferListener listener) {
    super(in);
    this.size = size;
    this.declared = declared;
    this.what = what;
    this.listener = listener;
  }

  /** The Content-Length, or -1 when the answer had none. */
  long size() {
    return size;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      atEnd();
    } else {
      digest.update((byte) b);
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n < 0) {
      atEnd();
    } else if (n > 0) {
      digest.update(buffer, offset, n);
      counted(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] scratch = new byte[(int) Math.min(n, 8192)];
    long skipped = 0;
    while (skipped < n) {
      int read = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (read < 0) {
        break;
      }
      skipped += read;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public String toString() {
    return "BodyInputStream(" + what + ", " + count + " of " + size + " bytes)";
  }

  private void counted(int n) {
    count += n;
    listener.transferred(count, size);
  }

  private void atEnd() throws IOException {
    if (verified) {
      return;
    }
    if (failed == null) {
      if (size >= 0 && count < size) {
        failed = new EOFException(
            what + ": body ended after " + count + " of " + size + " bytes: connection cut");
      } else {
        String actual = Sha256.base64(digest.digest());
        if (actual.equals(declared)) {
          verified = true;
          return;
        }
        failed = DigestMismatchException.download(what, declared, actual);
      }
    }
    throw failed;
  }
}
