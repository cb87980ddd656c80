package dev.ostore.stream;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkPositionIndexes;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed-size buffer between one writing thread and one reading thread. When the writer outruns
 * the reader, writes block until the reader catches up, so memory never grows past the capacity.
 *
 * <p>Unlike {@link java.io.PipedInputStream}, a waiting side is woken as soon as half the buffer is
 * there for it (no one-second polling): a waiting reader once half of it is filled, and after
 * {@value #PATIENCE_MILLIS} ms by whatever bytes there are, so that a slow writer's bytes still
 * flow within that time; a waiting writer once half of it is free. Each wake-up, a switch of
 * threads, then moves half a buffer rather than each write's bytes. Closing either end and {@link
 * #fail(Throwable)} wake both sides whatever the fill: closing the {@link #source()} wakes a
 * blocked writer, closing the {@link #sink()} is the clean end of stream (its last bytes reach the
 * reader then), and a failure hands its cause to whichever side runs next: its read or write throws
 * an {@link IOException} carrying it.
 */
final class BoundedPipe {
  /** How long a waiting reader lets writes of less than half the buffer go by. */
  static final long PATIENCE_MILLIS = 10;

  private final byte[] buffer;
  /** Bytes there for a waiting side before it is woken: half the buffer, at least one. */
  private final int wakeAt;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final Condition writable = lock.newCondition();
  private final Sink sink = new Sink();
  private final Source source = new Source();

  // All guarded by lock.
  private int head;
  private int count;
  private boolean sinkClosed;
  private boolean sourceClosed;
  private Throwable failure;
  /** When the reader began waiting for bytes ({@link System#nanoTime()}), while it waits. */
  private long readerWaitingSince;
  private boolean readerWaiting;

  BoundedPipe(int capacity) {
    checkArgument(capacity > 0, "capacity (%s) must be positive", capacity);
    this.buffer = new byte[capacity];
    this.wakeAt = Math.max(1, capacity / 2);
  }

  /** The writing end; {@code close()} marks the end of the stream. */
  OutputStream sink() {
    return sink;
  }

  /** The reading end; {@code close()} makes further writes fail. */
  InputStream source() {
    return source;
  }

  /** Breaks the pipe: both ends throw an {@link IOException} with {@code cause} from now on. */
  void fail(Throwable cause) {
    lock.lock();
    try {
      if (failure == null) {
        failure = cause;
      }
      readable.signalAll();
      writable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private IOException broken() {
    return new IOException("pipe broken: " + failure, failure);
  }

  private static void awaitAtMost(Condition condition, long nanos)
      throws InterruptedIOException {
    try {
      condition.awaitNanos(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting on the pipe");
    }
  }

  private static void await(Condition condition) throws InterruptedIOException {
    try {
      condition.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting on the pipe");
    }
  }

  private final class Sink extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      checkPositionIndexes(offset, offset + length, bytes.length);
      lock.lock();
      try {
        while (length > 0) {
          while (count == buffer.length && failure == null && !sourceClosed && !sinkClosed) {
            await(writable);
          }
          if (failure != null) {
            throw broken();
          }
          if (sinkClosed) {
            throw new IOException("pipe sink is closed");
          }
          if (sourceClosed) {
            throw new IOException("pipe reader has gone");
          }
          int tail = (head + count) % buffer.length;
          int chunk = Math.min(length, Math.min(buffer.length - count, buffer.length - tail));
          System.arraycopy(bytes, offset, buffer, tail, chunk);
          count += chunk;
          offset += chunk;
          length -= chunk;
          if (count >= wakeAt || readerWaiting && System.nanoTime() - readerWaitingSince
              >= TimeUnit.MILLISECONDS.toNanos(PATIENCE_MILLIS)) {
            readable.signal();
          }
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() {
      lock.lock();
      try {
        sinkClosed = true;
        readable.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private final class Source extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      checkPositionIndexes(offset, offset + length, bytes.length);
      if (length == 0) {
        return 0;
      }
      lock.lock();
      try {
        if (count == 0 && failure == null && !sinkClosed && !sourceClosed) {
          readerWaiting = true;
          readerWaitingSince = System.nanoTime();
          try {
            // At first only half a buffer wakes it; after the patience, whatever is there.
            awaitAtMost(readable, TimeUnit.MILLISECONDS.toNanos(PATIENCE_MILLIS));
            while (count == 0 && failure == null && !sinkClosed && !sourceClosed) {
              await(readable);
            }
          } finally {
            readerWaiting = false;
          }
        }
        if (failure != null) {
          throw broken();
        }
        if (sourceClosed) {
          throw new IOException("pipe source is closed");
        }
        if (count == 0) {
          return -1;
        }
        int chunk = Math.min(length, Math.min(count, buffer.length - head));
        System.arraycopy(buffer, head, bytes, offset, chunk);
        head = (head + chunk) % buffer.length;
        count -= chunk;
        if (buffer.length - count >= wakeAt) {
          writable.signal();
        }
        return chunk;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public int available() {
      lock.lock();
      try {
        return count;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() {
      lock.lock();
      try {
        sourceClosed = true;
        writable.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
