package dev.ostore.http;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/** Adds the bytes written through it to a count, once the stream underneath took them. */
final class CountingOutputStream extends FilterOutputStream {
  private final AtomicLong count;

  CountingOutputStream(OutputStream out, AtomicLong count) {
    super(out);
    this.count = count;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    count.incrementAndGet();
  }

  // FilterOutputStream would write an array a byte at a time.
  @Override
  public void write(byte[] buffer, int offset, int length) throws IOException {
    out.write(buffer, offset, length);
    count.addAndGet(length);
  }
}
