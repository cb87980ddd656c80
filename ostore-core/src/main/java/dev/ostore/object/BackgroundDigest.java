package dev.ostore.object;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A digest of a long stream computed by a task of its own, so that the thread writing the stream
 * does not: a big PUT waits on its request thread, which SHA-256 kept busy for half its time
 * (benchmarks, section 53). The writer hands its buffers over ({@link #take}) and gets back ones
 * the task has hashed, or has its bytes copied ({@link #update}); at most {@value #PIECES}
 * pieces are waiting or being hashed, so a writer that outruns the task waits and memory stays
 * bounded. One thread uses it.
 */
final class BackgroundDigest implements AutoCloseable {
  static final int PIECES = 16;
  /** How much of a writer's bytes {@link #update} gathers before handing them over. */
  static final int PIECE = 64 << 10;
  private static final long CHECK_MILLIS = 100;
  private static final Piece END = new Piece(new byte[0], 0);

  private record Piece(byte[] bytes, int length) {}

  private final MessageDigest digest;
  private final Semaphore room = new Semaphore(PIECES);
  /** The pieces to hash in order, then {@link #END}. */
  private final BlockingQueue<Piece> pieces = new ArrayBlockingQueue<>(PIECES + 1);
  /** Buffers hashed, to give back in exchange for the next. */
  private final BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(PIECES);
  private final CompletableFuture<byte[]> done = new CompletableFuture<>();
  /** Bytes of {@link #update} gathered, {@code gathered[0, filled)}; null when none are. */
  private byte[] gathered;
  private int filled;

  private BackgroundDigest(MessageDigest digest) {
    this.digest = digest;
  }

  /**
   * Goes on with {@code digest}, which the caller no longer touches, on {@code executor}. Throws
   * what the executor throws when it refuses the task.
   */
  static BackgroundDigest start(MessageDigest digest, Executor executor) {
    BackgroundDigest background = new BackgroundDigest(digest);
    executor.execute(background::run);
    return background;
  }

  /**
   * Hashes a copy of {@code bytes[offset, offset + length)}, for a writer that keeps them: copies
   * gathered into pieces of {@value #PIECE}, so that small writes cost no hand-over each.
   */
  void update(byte[] bytes, int offset, int length) throws IOException {
    while (length > 0) {
      if (gathered == null) {
        gathered = spare(PIECE);
        filled = 0;
      }
      int n = Math.min(length, PIECE - filled);
      System.arraycopy(bytes, offset, gathered, filled, n);
      filled += n;
      offset += n;
      length -= n;
      if (filled == PIECE) {
        handGathered();
      }
    }
  }

  /**
   * Hashes {@code buffer[0, length)}, keeping the buffer, and returns one of the same length to
   * use in its place (as {@link dev.ostore.BufferTaker#take}).
   */
  byte[] take(byte[] buffer, int length) throws IOException {
    handGathered(); // first: they came first
    hand(new Piece(buffer, length));
    return spare(buffer.length);
  }

  /** Waits for the task to hash what it was given and returns the digest. */
  byte[] digest() throws IOException {
    handGathered();
    try {
      pieces.put(END);
      return done.get();
    } catch (ExecutionException e) {
      throw new IOException("hashing failed", e.getCause());
    } catch (CancellationException e) {
      throw new IOException("hashing stopped: closed");
    } catch (InterruptedException e) {
      throw interrupted();
    }
  }

  /** Stops the task if it still runs. Idempotent. */
  @Override
  public void close() {
    if (!done.isDone()) {
      done.cancel(false);
      pieces.clear();
      pieces.offer(END);
    }
  }

  private void run() {
    try {
      for (Piece next = pieces.take(); next != END; next = pieces.take()) {
        digest.update(next.bytes(), 0, next.length());
        spare.offer(next.bytes()); // or, when full, left to the collector
        room.release();
      }
      done.complete(digest.digest());
    } catch (InterruptedException e) {
      done.completeExceptionally(e);
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      done.completeExceptionally(e);
      throw e;
    }
  }

  /** A buffer of {@code length} bytes the task is done with, or a new one. */
  private byte[] spare(int length) {
    byte[] buffer = spare.poll();
    return buffer != null && buffer.length == length ? buffer : new byte[length];
  }

  private void handGathered() throws IOException {
    if (gathered != null && filled > 0) {
      hand(new Piece(gathered, filled));
      gathered = null;
    }
  }

  private void hand(Piece piece) throws IOException {
    try {
      while (!room.tryAcquire(CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
        if (done.isDone()) { // the task ended: nothing will make room
          throw new IOException("hashing stopped");
        }
      }
      pieces.put(piece);
    } catch (InterruptedException e) {
      throw interrupted();
    }
  }

  private static InterruptedIOException interrupted() {
    Thread.currentThread().interrupt();
    return new InterruptedIOException("interrupted while hashing");
  }
}
