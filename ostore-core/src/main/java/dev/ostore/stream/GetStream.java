package dev.ostore.stream;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The bytes of an object as a data server sends them. {@link #length()} is known before the
 * first byte; a transfer that breaks or ends early throws {@code DATA_SERVER_FAILED} rather than
 * passing for a shorter object. Close it when done: a stream not read to the end closes its
 * connection, one read whole leaves it for reuse. Not thread-safe.
 *
 * <p>A body without a {@code Content-Length} is refused: {@link java.net.HttpURLConnection} reads
 * a chunked body cut before its last chunk as a clean end, so its length could not be trusted.
 *
 * <p>It reads straight from the connection: a pipe would add a thread and a copy here for
 * nothing, since both the HTTP client and the reader pull (see docs/decisions.md).
 */
public final class GetStream extends InputStream {
  private static final int COPY_BUFFER = 64 * 1024;
  private final HttpCall call;
  private final InputStream body;
  private final long length;
  private long read;
  private boolean closed;

  private GetStream(HttpCall call, InputStream body, long length) {
    this.call = call;
    this.body = body;
    this.length = length;
  }

  static GetStream open(HttpCall call) throws IOException {
    try {
      long length = call.expectOk();
      if (length < 0) {
        throw new OstoreException(ErrorCode.DATA_SERVER_FAILED,
            "data server " + call.server + " sent " + call.path + " without a Content-Length");
      }
      return new GetStream(call, call.connection.getInputStream(), length);
    } catch (IOException e) {
      call.abort();
      throw call.failure(e);
    }
  }

  /** The object's size in bytes. */
  public long length() {
    return length;
  }

  /** A header of the answer, if the server sent it. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(call.connection.getHeaderField(name));
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] bytes, int offset, int count) throws IOException {
    if (closed) {
      throw new IOException("stream is closed");
    }
    if (read == length) {
      return -1;
    }
    int n;
    try {
      n = body.read(bytes, offset, (int) Math.min(count, length - read));
    } catch (IOException e) {
      throw new OstoreException(ErrorCode.DATA_SERVER_FAILED,
          "data server " + call.server + " failed after " + read + " of " + length
              + " bytes of " + call.path + ": " + e, e);
    }
    if (n < 0) {
      throw new OstoreException(ErrorCode.DATA_SERVER_FAILED,
          "data server " + call.server + " ended " + call.path + " after " + read + " of "
              + length + " bytes");
    }
    read += n;
    return n;
  }

  /**
   * Copies the rest in 64 KiB reads: the inherited method reads 8 KiB at a time, a system call
   * each, which is what held a relayed 1 GiB download back.
   */
  @Override
  public long transferTo(OutputStream out) throws IOException {
    byte[] buffer = new byte[(int) Math.min(COPY_BUFFER, Math.max(1, length - read))];
    long copied = 0;
    for (int n; (n = read(buffer, 0, buffer.length)) != -1; ) {
      out.write(buffer, 0, n);
      copied += n;
    }
    return copied;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (read == length) {
      call.finish();
    } else {
      call.abort();
    }
  }

  @Override
  public String toString() {
    return "GetStream(" + call.server + call.path + ")";
  }
}
