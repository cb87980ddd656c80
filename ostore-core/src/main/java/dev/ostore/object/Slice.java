package dev.ostore.object;

import dev.ostore.ByteRange;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Content read whole, and checked whole as it is read, of which only the bytes of a range are
 * copied out: how a range of small content, or of content stored whole, is read.
 */
record Slice(ObjectStore.Content whole, ByteRange range) implements ObjectStore.Content {
  /** {@code range} of {@code whole}: {@code whole} itself when the range is all of it. */
  static ObjectStore.Content cut(ObjectStore.Content whole, ByteRange range) {
    return range.isAll(whole.size()) ? whole : new Slice(whole, range);
  }

  @Override
  public long size() {
    return whole.size();
  }

  @Override
  public void copyTo(OutputStream out) throws IOException {
    whole.copyTo(new FilterOutputStream(out) {
      private long position;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        long from = Math.max(position, range.from());
        long to = Math.min(position + len, range.to());
        if (from < to) {
          out.write(b, off + (int) (from - position), (int) (to - from));
        }
        position += len;
      }
    });
  }

  @Override
  public void close() {
    whole.close();
  }
}
