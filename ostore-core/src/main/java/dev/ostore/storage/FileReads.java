package dev.ostore.storage;

import static java.nio.file.StandardOpenOption.READ;

import com.google.common.base.Throwables;
import com.google.common.util.concurrent.Uninterruptibles;
import dev.ostore.DirectBuffers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;

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
   * Reads {@code file}, open as {@code channel}, for a read of bytes {@code [from, from +
   * length)} front to back in pieces of at most {@code piece}: straight from the disk into
   * buffers lent by {@code buffers} if the read is long, the file system takes it and a buffer is
   * lent, reading the next stretch of the file ahead on a thread of {@code ahead} while its
   * reader works through the last; else through {@code channel}. {@code ahead} may refuse a task
   * ({@link RejectedExecutionException}) and {@code buffers} the buffer to read it into: that
   * stretch is then read when it is needed.
   */
  static FileReads forRead(FileChannel channel, Path file, long from, long length, int piece,
      Executor ahead, DirectBuffers buffers) {
    if (length < DIRECT_FROM) {
      return buffered(channel);
    }
    // Refused (tmpfs, for one) or gone, or no buffer to spare: the open channel still reads.
    return DirectChannel.open(file, READ)
        .flatMap(direct -> Direct.open(direct, piece, from + length, ahead, buffers))
        .orElseGet(() -> buffered(channel));
  }

  /**
   * The file's bytes {@code [position, position + length)}, fewer only where the file ends, as a
   * buffer from index 0 to its limit that stays valid until the next view or the close: lent,
   * not copied, where the bytes are in hand already. Not to be written to. A direct read's
   * {@code length} is at most the {@code piece} it was made for.
   */
  abstract ByteBuffer view(long position, int length) throws IOException;

  /**
   * Says the reader is done with every view, on the thread that read them and after its last
   * use of the last: a direct read's buffers then go back to be lent again. Without it, the
   * close counts them no more and leaves them to the garbage collector: a close from another
   * thread cannot know that the reader is not still checking or copying a view, and a buffer
   * lent again meanwhile would be filled by another read under it.
   */
  void done() throws IOException {}

  /** Closes the file; may be called from another thread than the reader's, whose read fails. */
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
   * Aligned reads of {@link #WINDOW} bytes into aligned buffers, windows, of which views are
   * lent: a sequential copy costs the disk one request per window, not per piece. While its reader
   * works through one window the next is read on another thread, so that the disk always has a
   * read of this file to serve: reading the next window only once a view asked for it left the
   * disk idle while the reader checked and copied the last one, and a 1 GiB GET ran at about 0.7
   * of the speed (benchmarks.md, section 55). The first read of the disk takes only what the first
   * piece asks: a shard's first blocks are read and checked before a GET answers, on the
   * request's thread and one shard after another, and waiting there for whole windows doubled a
   * 20 MiB GET's time to its first byte.
   */
  private static final class Direct extends FileReads {
    static final int WINDOW = 2 << 20;

    private final DirectChannel direct;
    private final int align;
    /** What a read of a window asks of the disk. */
    private final int size;
    /**
     * Room before each window's bytes for the end of the window before it: a view that begins in
     * one window and ends in the next is lent from the next, the first part copied in front.
     */
    private final int carry;
    /** Where the read of the file is to end: no window is read ahead from there on. */
    private final long end;
    private final Executor ahead;
    private final DirectBuffers buffers;
    /** The buffers lent to this read, whichever holds the window now. Guarded by this. */
    private final List<ByteBuffer> lent = new ArrayList<>(2);
    /** Whether the buffers went back ({@link #done}) or were let go ({@link #close}). */
    private boolean over;
    /** The buffer that holds the window, and the one the next window is read into, or null. */
    private ByteBuffer holding;
    private ByteBuffer spare;
    /** The file's bytes from {@code windowFrom}, from index 0 to the limit. */
    private ByteBuffer window;
    private long windowFrom;
    private boolean filled;
    /** The read of the window at {@code nextFrom} into {@code spare}, or null. */
    private FutureTask<Integer> next;
    private long nextFrom;

    private Direct(DirectChannel direct, int size, int carry, long end, Executor ahead,
        DirectBuffers buffers, ByteBuffer holding) {
      this.direct = direct;
      this.align = direct.align();
      this.size = size;
      this.carry = carry;
      this.end = end;
      this.ahead = ahead;
      this.buffers = buffers;
      this.holding = holding;
      this.window = holding.duplicate().limit(0).slice();
      lent.add(holding);
    }

    /** A direct read of {@code direct}; empty, the file closed, when no buffer is lent. */
    static Optional<FileReads> open(DirectChannel direct, int piece, long end, Executor ahead,
        DirectBuffers buffers) {
      int align = direct.align();
      int size = Math.max(WINDOW, piece + 2 * align) / align * align + align;
      int carry = alignUp(piece + (long) align, align);
      Optional<ByteBuffer> holding = buffers.take(carry + size, align);
      if (holding.isEmpty()) {
        try {
          direct.channel().close();
        } catch (IOException e) {
          // Opened only to read, and nothing read: nothing is lost.
        }
        return Optional.empty();
      }
      return Optional.of(new Direct(direct, size, carry, end, ahead, buffers, holding.get()));
    }

    @Override
    ByteBuffer view(long position, int length) throws IOException {
      if (position < windowFrom || position + length > windowFrom + window.limit()) {
        long from = position / align * align;
        if (position + length - from > size) {
          throw new IllegalArgumentException("a view of " + length + " bytes is longer than "
              + "the window of " + size + " can hold from an aligned position");
        }
        fill(from, filled ? size : Math.min(size, alignUp(position + length - from)));
      }
      int skip = (int) Math.min(position - windowFrom, window.limit());
      return window.duplicate().position(skip).limit(Math.min(window.limit(), skip + length))
          .slice();
    }

    private int alignUp(long length) {
      return alignUp(length, align);
    }

    private static int alignUp(long length, int align) {
      return Math.toIntExact((length + align - 1) / align * align);
    }

    /**
     * Makes the window the file's bytes from {@code from}, {@code length} of them or fewer at
     * the file's end: the window read ahead where it follows on, else a read now.
     */
    private void fill(long from, int length) throws IOException {
      // The disk is read into the buffers only while they are this read's: a close from another
      // thread waits for a read under way, and no read starts after it.
      synchronized (this) {
        if (over) {
          throw new IOException("the file's reads are closed");
        }
        fillLent(from, length);
      }
    }

    private void fillLent(long from, int length) throws IOException {
      boolean first = !filled;
      filled = true;
      FutureTask<Integer> readAhead = next;
      next = null;
      long kept = nextFrom - from;
      boolean whole;
      if (readAhead != null && from >= windowFrom && kept >= 0 && kept <= carry) {
        int read = done(readAhead);
        // The end of this window, where the view begins, goes in front of the next.
        spare.put(carry - (int) kept, window, (int) (from - windowFrom), (int) kept);
        ByteBuffer swap = holding;
        holding = spare;
        spare = swap;
        show(from, carry - (int) kept, (int) kept + read);
        whole = read == size;
      } else {
        if (readAhead != null) {
          settle(readAhead); // read ahead of a jump elsewhere: its buffer is to be reused
        }
        int read = read(holding.duplicate().position(carry).limit(carry + length), from);
        show(from, carry, read);
        whole = read == length;
      }
      // Not after the first read: the GET waits for the first reads of all its shards.
      long readTo = windowFrom + window.limit();
      if (!first && whole && readTo < end) {
        readAhead(readTo);
      }
    }

    private void show(long from, int at, int length) {
      windowFrom = from;
      window = holding.duplicate().position(at).limit(at + length).slice();
    }

    /**
     * Starts reading the window at {@code from} into the spare buffer, unless refused a thread
     * or the buffer.
     */
    private void readAhead(long from) {
      if (spare == null) {
        spare = buffers.take(carry + size, align).orElse(null);
        if (spare == null) {
          return; // every buffer lent: the window is read when the view asks for it
        }
        lent.add(spare);
      }
      ByteBuffer into = spare.duplicate().position(carry).limit(carry + size);
      FutureTask<Integer> task = new FutureTask<>(() -> read(into, from));
      try {
        ahead.execute(task);
      } catch (RejectedExecutionException e) {
        return; // every thread busy: the window is read when the view asks for it
      }
      next = task;
      nextFrom = from;
    }

    /** Reads into {@code into} from {@code from}: the bytes read, fewer only at the file's end. */
    private int read(ByteBuffer into, long from) throws IOException {
      int start = into.position();
      // Only the file's end makes a read short of an aligned length; after it, stop.
      while (into.hasRemaining() && (into.position() - start) % align == 0) {
        if (direct.channel().read(into, from + into.position() - start) <= 0) {
          break;
        }
      }
      return into.position() - start;
    }

    /** Waits for a read ahead, however long (one read of the disk), and returns what it read. */
    private static int done(FutureTask<Integer> read) throws IOException {
      try {
        return Uninterruptibles.getUninterruptibly(read);
      } catch (ExecutionException e) {
        Throwables.throwIfInstanceOf(e.getCause(), IOException.class);
        throw new IOException(e.getCause());
      }
    }

    /** Waits for a read ahead that no view asked for: how it ended is of no matter. */
    private static void settle(FutureTask<Integer> read) {
      try {
        done(read);
      } catch (IOException e) {
        // Not asked for: a view that wants these bytes reads them again, and sees its failure.
      }
    }

    @Override
    void done() throws IOException {
      end(true);
    }

    @Override
    public void close() throws IOException {
      end(false);
      direct.channel().close();
    }

    /**
     * Ends the read's hold on its buffers, once: gives them back when the reader is {@code done},
     * else counts them no more. Either way after any read of the disk into them has ended.
     */
    private synchronized void end(boolean done) throws IOException {
      if (over) {
        return;
      }
      over = true;
      if (next != null) {
        settle(next); // not closing the file under it, nor giving back the buffer it fills
        next = null;
      }
      for (ByteBuffer buffer : lent) {
        if (done) {
          buffers.give(buffer);
        } else {
          buffers.discard(buffer);
        }
      }
      lent.clear();
    }
  }
}
