package dev.ostore.storage;

import static java.nio.file.StandardOpenOption.READ;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Positional reads of a file: through the page cache, or for a long read, where the file system
 * takes it, straight from the disk ({@code O_DIRECT}), in aligned reads into a buffer of its own.
 *
 * <p>Why: {@link FileBody} writes big shards past the page cache, and reading one through it
 * would put all of it there, at about the cost the write saved (benchmarks.md, section 27). A
 * shard's bytes never change, so a direct read cannot miss a newer write.
 */
abstract class FileReads implements AutoCloseable {
  /** Reads this long or longer go straight to the disk; shorter ones (ranges, small shards) not. */
  static final long DIRECT_FROM = 4 << 20;

  /** Reads {@code channel} through the page cache. */
  static FileReads buffered(FileChannel channel) {
    return buffered(channel, 0);
  }

  /**
   * Reads {@code channel} through the page cache as if it began at {@code base}: for a shard
   * kept in a pack.
   */
  static FileReads buffered(FileChannel channel, long base) {
    return new Buffered(channel, base);
  }

  /**
   * Reads {@code file}, open as {@code channel}, for a read of about {@code length} bytes in
   * pieces of at most {@code piece}: straight from the disk if the read is long and the file
   * system takes it, else through {@code channel}.
   */
  static FileReads forRead(FileChannel channel, Path file, long length, int piece) {
    if (length < DIRECT_FROM) {
      return buffered(channel);
    }
    // Refused (tmpfs, for one) or gone: the open channel still reads.
    return DirectChannel.open(file, READ).<FileReads>map(direct -> new Direct(direct, piece))
        .orElseGet(() -> buffered(channel));
  }

  /**
   * The file's bytes {@code [position, position + length)}, fewer only where the file ends, as a
   * buffer from index 0 to its limit that stays valid until the next view or the close: lent,
   * not copied, where the bytes are in hand already. Not to be written to. A direct read's
   * {@code length} is at most the {@code piece} it was made for.
   */
  abstract ByteBuffer view(long position, int length) throws IOException;

  @Override
  public abstract void close() throws IOException;

  /** Reads through the page cache into a buffer of its own, as long as the longest view yet. */
  private static final class Buffered extends FileReads {
    private final FileChannel channel;
    private final long base;
    private ByteBuffer bytes = ByteBuffer.allocate(0);

    Buffered(FileChannel channel, long base) {
      this.channel = channel;
      this.base = base;
    }

    @Override
    ByteBuffer view(long position, int length) throws IOException {
      if (bytes.capacity() < length) {
        bytes = ByteBuffer.allocate(length);
      }
      bytes.clear().limit(length);
      while (bytes.hasRemaining()) {
        if (channel.read(bytes, base + position + bytes.position()) < 0) {
          break; // the file ends
        }
      }
      return bytes.flip();
    }

    @Override
    public void close() {}
  }

  /**
   * Aligned reads of {@link #WINDOW} bytes into an aligned buffer, the window, of which views
   * are lent: a sequential copy costs the disk one request per window, not per piece. The
   * first read of the disk takes only what the first piece asks: a shard's first blocks are read
   * and checked before a GET answers, on the request's thread and one shard after another, and
   * waiting there for whole windows doubled a 20 MiB GET's time to its first byte.
   */
  private static final class Direct extends FileReads {
    static final int WINDOW = 2 << 20;

    private final FileChannel channel;
    private final int align;
    private final ByteBuffer window;
    private long windowFrom;
    private boolean filled;

    Direct(DirectChannel direct, int piece) {
      this.channel = direct.channel();
      this.align = direct.align();
      int size = Math.max(WINDOW, piece + 2 * align) / align * align + align;
      this.window = direct.buffer(size).limit(size);
      this.window.flip(); // empty
    }

    @Override
    ByteBuffer view(long position, int length) throws IOException {
      if (position < windowFrom || position + length > windowFrom + window.limit()) {
        long from = position / align * align;
        if (position + length - from > window.capacity()) {
          throw new IllegalArgumentException("a view of " + length + " bytes is longer than "
              + "the window of " + window.capacity() + " can hold from an aligned position");
        }
        fill(from, filled ? window.capacity()
            : Math.min(window.capacity(), alignUp(position + length - from)));
      }
      int skip = (int) Math.min(position - windowFrom, window.limit());
      return window.duplicate().position(skip).limit(Math.min(window.limit(), skip + length))
          .slice();
    }

    private int alignUp(long length) {
      return (int) ((length + align - 1) / align * align);
    }

    /** Reads {@code length} bytes from {@code from} into the window, fewer at the file's end. */
    private void fill(long from, int length) throws IOException {
      filled = true;
      windowFrom = from;
      window.clear().limit(length);
      // Only the file's end makes a read short of an aligned length; after it, stop.
      while (window.hasRemaining() && window.position() % align == 0) {
        if (channel.read(window, from + window.position()) <= 0) {
          break;
        }
      }
      window.flip();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
