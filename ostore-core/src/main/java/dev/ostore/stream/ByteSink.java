package dev.ostore.stream;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where written bytes go, as one method, so that a class can take a stream's writes into a
 * method of its own: {@link #stream} makes the {@link OutputStream} that calls it.
 *
 * <pre>{@code
 * OutputStream body = ByteSink.stream(this::accept);
 * }</pre>
 */
@FunctionalInterface
public interface ByteSink {
  /** Takes {@code len} bytes of {@code b} from {@code off}. */
  void write(byte[] b, int off, int len) throws IOException;

  /** A stream whose every write goes to {@code sink}; closing and flushing do nothing. */
  static OutputStream stream(ByteSink sink) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        sink.write(b, off, len);
      }
    };
  }
}
