package dev.ostore.object;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.Arrays;
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
 * the task has hashed; at most {@value #PIECES} are waiting or being hashed, so a writer that
 * outruns the task waits and memory stays bounded. One thread uses it.
 */
final class BackgroundDigest implements AutoCloseable {
  static final int PIECES = 16;
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

  /** Hashes a copy of {@code bytes[offset, offset + length)}: for a writer that keeps them. */
  void update(byte[] bytes, int offset, int length) throws IOException {
    hand(new Piece(Arrays.copyOfRange(bytes, offset, offset + length), length));
  }

  /**
   * Hashes {@code buffer[0, length)}, keeping the buffer, and returns one of the same length to
   * use in its place (as {@link dev.ostore.BufferTaker#take}).
   */
  byte[] take(byte[] buffer, int length) throws IOException {
    hand(new Piece(buffer, length));
    byte[] exchange = spare.poll();
    return exchange != null && exchange.length == buffer.length
        ? exchange : new byte[buffer.length];
  }

  /** Waits for the task to hash what it was given and returns the digest. */
  byte[] digest() throws IOException {
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
