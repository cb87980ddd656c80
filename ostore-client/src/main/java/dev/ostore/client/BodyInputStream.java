package dev.ostore.client;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * The body of a GET answer as the caller reads it: counts the bytes, reports them to the listener,
 * hashes them, and checks the whole at the end of the stream, which comes after the size at the
 * latest. An end of stream before Content-Length is an {@link EOFException}: HttpURLConnection
 * reports a connection that the server cut mid-body (a data server died mid-transfer) as a normal
 * end, and a short read must never pass for a whole object. Bytes whose SHA-256 is not the one the
 * server declared make the read that reaches the end throw {@link DigestMismatchException} instead
 * of returning -1.
 *
 * <p>So a caller that reads to the end (-1) has exactly the declared bytes; a caller that stops
 * early has checked nothing. Without a declared hash (a range of an object) only the length is
 * checked. Given a way to {@link Resume}, a body whose connection breaks, or ends early, is
 * continued from the first byte missing, up to a number of times, and checked as one. {@code skip}
 * reads the bytes it skips, so they are hashed too. Closing it closes the answer, which returns the
 * connection to the JDK's keep-alive pool when the body was read to the end. Not thread-safe, like
 * any {@link InputStream}.
 */
final class BodyInputStream extends FilterInputStream {
  /** Asks for the rest of the body, from {@code offset} on, once its connection broke. */
  @FunctionalInterface
  interface Resume {
    InputStream from(long offset) throws IOException;
  }

  /**
   * What {@link Resume} throws when the server answered, but not with the rest of the same
   * object (it changed, or it serves no ranges): trying again cannot help.
   */
  static final class Unresumable extends EOFException {
    Unresumable(String message) {
      super(message);
    }
  }

  private final long size;
  private final TransferListener listener;
  private final String what;
  private final String declared;
  private final MessageDigest digest = Sha256.newDigest();
  private final Resume resume;
  private final Retries retries;
  private int resumed;
  private long count;
  /** The failure of the end-of-stream check, thrown again at every later end. */
  private IOException failed;
  private boolean verified;
  private boolean closed;

  /**
   * {@code size} is the Content-Length, or -1 when the answer had none; {@code declared} the
   * base64 SHA-256 the answer declared, or null when there is none to check; {@code what} names
   * the request in messages.
   */
  BodyInputStream(InputStream in, long size, String declared, String what,
      TransferListener listener) {
    this(in, size, declared, what, listener, null, Retries.NONE);
  }

  /** As the other, resuming a broken body with {@code resume} as {@code retries} allow. */
  BodyInputStream(InputStream in, long size, String declared, String what,
      TransferListener listener, Resume resume, Retries retries) {
    super(in);
    this.size = size;
    this.declared = declared;
    this.what = what;
    this.listener = listener;
    this.resume = resume;
    this.retries = retries;
  }

  /** The Content-Length, or -1 when the answer had none. */
  long size() {
    return size;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (closed) {
      // Else the closed connection's failure would pass for a broken one, and be resumed.
      throw new IOException(what + ": the stream is closed");
    }
    if (size >= 0 && count >= size && length > 0) {
      atEnd(); // nothing is read past the size, as when it is a part of a longer body
      return -1;
    }
    while (true) {
      int n;
      try {
        n = in.read(buffer, offset, size < 0 ? length : (int) Math.min(length, size - count));
      } catch (IOException e) {
        resumeAfter(e);
        continue;
      }
      if (n < 0 && size >= 0 && count < size && mayResume()) {
        resumeAfter(cutShort());
        continue;
      }
      if (n < 0) {
        atEnd();
      } else if (n > 0) {
        digest.update(buffer, offset, n);
        counted(n);
      }
      return n;
    }
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
  public void close() throws IOException {
    closed = true;
    super.close();
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

  private boolean mayResume() {
    return resume != null && resumed < retries.times() && size >= 0;
  }

  /**
   * Goes on from the first byte missing on a new connection, once {@code broken} ended the last
   * one, if retries are left; else throws {@code broken}.
   */
  private void resumeAfter(IOException broken) throws IOException {
    if (!worthRetrying(broken) || !mayResume()) {
      throw broken;
    }
    resumed++;
    try {
      in.close();
    } catch (IOException e) {
      broken.addSuppressed(e);
    }
    try {
      Thread.sleep(retries.pause().toMillis());
      listener.resumed(count, size, broken);
      in = resume.from(count);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw broken;
    } catch (IOException e) {
      e.addSuppressed(broken);
      if (!worthRetrying(e) || !mayResume()) {
        throw e;
      }
      resumeAfter(e);
    }
  }

  /**
   * Whether trying again may help: a broken connection or a server that cannot be reached, or
   * an answer of 5xx (no data server live for now, one failing); not a 4xx, nor an answer that
   * is not the rest of the same object.
   */
  private static boolean worthRetrying(IOException e) {
    if (e instanceof OstoreClientException answer) {
      return answer.status() >= 500;
    }
    return !(e instanceof Unresumable);
  }

  private EOFException cutShort() {
    return new EOFException(
        what + ": body ended after " + count + " of " + size + " bytes: connection cut");
  }

  private void atEnd() throws IOException {
    if (verified) {
      return;
    }
    if (failed == null) {
      if (size >= 0 && count < size) {
        failed = cutShort();
      } else if (declared == null) {
        verified = true;
        return;
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
