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
    return new FileReads() {
      @Override
      int read(ByteBuffer into, long position) throws IOException {
        return channel.read(into, base + position);
      }

      @Override
      public void close() {}
    };
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
   * Reads bytes at {@code position} into {@code into}, as {@link FileChannel#read(ByteBuffer,
   * long)} does: how many, or -1 at the end of the file.
   */
  abstract int read(ByteBuffer into, long position) throws IOException;

  @Override
  public abstract void close() throws IOException;

  /**
   * Aligned reads of {@link #WINDOW} bytes into an aligned buffer, the window, from which reads
   * are copied: a sequential copy costs the disk one request per window, not per piece. The
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
    int read(ByteBuffer into, long position) throws IOException {
      if (position < windowFrom || position + into.remaining() > windowFrom + window.limit()) {
        long from = position / align * align;
        fill(from, filled ? window.capacity()
            : Math.min(window.capacity(), alignUp(position + into.remaining() - from)));
      }
      int skip = (int) (position - windowFrom);
      int n = Math.min(window.limit() - skip, into.remaining());
      if (n <= 0) {
        return -1; // the end of the file
      }
      into.put(window.duplicate().position(skip).limit(skip + n));
      return n;
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
