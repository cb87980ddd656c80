package dev.ostore.http;

import dev.ostore.DirectBuffers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.io.Content;

/**
 * A long response body gathered into writes of a buffer's size, whatever the size of the pieces
 * it is written in. The buffer is outside the heap, so the socket takes it without copying it
 * once more, as it must a heap array; it is lent by {@link DirectBuffers}, given back once the
 * body's end was sent, and counted no more without being lent again if the body fails or is
 * abandoned ({@link #abandon}), since the socket may still be writing it. {@link #flush} sends
 * what is gathered; {@link #close} sends the rest as the body's end.
 */
final class GatheredBody extends OutputStream {
  /** Gathered bytes need no alignment of their address. */
  private static final int ALIGN = 1;

  private final Content.Sink sink;
  private final ByteBuffer buffer;
  private final DirectBuffers buffers;
  private boolean closed;

  private GatheredBody(Content.Sink sink, ByteBuffer buffer, DirectBuffers buffers) {
    this.sink = sink;
    this.buffer = buffer;
    this.buffers = buffers;
  }

  /** A body sent to {@code sink} in writes of {@code size}; empty if no buffer is lent. */
  static Optional<GatheredBody> of(Content.Sink sink, int size, DirectBuffers buffers) {
    return buffers.take(size, ALIGN).map(buffer -> new GatheredBody(sink, buffer, buffers));
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
      try {
        send(true);
      } catch (IOException | RuntimeException | Error e) {
        buffers.discard(buffer);
        throw e;
      }
      buffers.give(buffer);
    }
  }

  /** Ends the body without its end, as a failed answer does: the buffer is counted no more. */
  void abandon() {
    if (!closed) {
      closed = true;
      buffers.discard(buffer);
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
