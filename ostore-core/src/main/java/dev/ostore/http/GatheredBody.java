package dev.ostore.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.eclipse.jetty.io.Content;

/**
 * A long response body gathered into writes of a buffer's size, whatever the size of the pieces
 * it is written in. The buffer is outside the heap, so the socket takes it without copying it
 * once more, as it must a heap array. {@link #flush} sends what is gathered; {@link #close} sends
 * the rest as the body's end.
 */
final class GatheredBody extends OutputStream {
  private final Content.Sink sink;
  private final ByteBuffer buffer;
  private boolean closed;

  GatheredBody(Content.Sink sink, int size) {
    this.sink = sink;
    this.buffer = ByteBuffer.allocateDirect(size);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    checkOpen();
    while (length > 0) {
      int n = Math.min(length, buffer.remaining());
      buffer.put(bytes, offset, n);
      offset += n;
      length -= n;
      if (!buffer.hasRemaining()) {
        send(false);
      }
    }
  }

  @Override
  public void flush() throws IOException {
    checkOpen();
    if (buffer.position() > 0) {
      send(false);
    }
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      send(true);
    }
  }

  private void send(boolean last) throws IOException {
    // Blocks until the socket took all of it, so the buffer is free again on return.
    Content.Sink.write(sink, last, buffer.flip());
    buffer.clear();
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("the response body is closed");
    }
  }
}
