package dev.ostore.dataserver;

import dev.ostore.ServerAddress;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Blocks written into the store of a data server in this process by a task of their own, as a
 * data server's thread would over HTTP: the writer hands the blocks over {@value #BATCH} at a
 * time through a queue of at most {@value #QUEUED_BLOCKS} blocks and goes on, so that the shards
 * of one object are written at once; {@link #finish} waits for the task to end the write (a
 * shard's commit, an append's force). Blocks handed over whole ({@link #handOver}) are queued as
 * they are, not copied, and once stored given back to the writer in exchange for the next: a
 * copy less of every byte of a big PUT. {@link QueuedShardWriter} and {@link QueuedBlockAppend}
 * are its two uses.
 */
final class QueuedBlocks<R> {
  static final int QUEUED_BLOCKS = 16;
  /**
   * Blocks per hand-off. Each hand-off may wake the task, and a block at a time the writer of a
   * 1 GiB PUT spent 15% of its time waking them (benchmarks, section 41).
   */
  static final int BATCH = 4;
  private static final byte[][] END = new byte[0][];
  private static final long CHECK_MILLIS = 100;

  /** Where the task writes: blocks in order, then an end that says how it went. */
  interface Target<R> {
    void append(byte[] block, int offset, int length) throws IOException;

    /** Ends the write once every block is in; its result is what {@link #finish} returns. */
    R end() throws IOException;

    /** Gives the write up, or releases it once ended; on the task's thread. Idempotent. */
    void close();

    /**
     * Gives the write up at once, from the writer's thread, where the target allows that
     * beside the task's writes; by default the task closes it once it sees the abort.
     */
    default void abandon() {}
  }

  private final BlockingQueue<byte[][]> batches =
      new ArrayBlockingQueue<>(QUEUED_BLOCKS / BATCH);
  private final CompletableFuture<R> ended = new CompletableFuture<>();
  private final Target<R> target;
  /** Blocks handed over whole and stored, to give back in exchange for the next. */
  private final BlockingQueue<byte[]> spare =
      new ArrayBlockingQueue<>(QUEUED_BLOCKS + 2 * BATCH);
  private final String verb;
  private final ServerAddress server;
  private final Supplier<String> what;
  /** The blocks not handed over yet: {@code pending[0, count)}; the writer's alone. */
  private byte[][] pending = new byte[BATCH][];
  private int count;
  private volatile boolean aborted;

  private QueuedBlocks(Target<R> target, String verb, ServerAddress server,
      Supplier<String> what) {
    this.target = target;
    this.verb = verb;
    this.server = server;
    this.what = what;
  }

  /**
   * Starts the task that writes to {@code target} on {@code executor}; a failure is told as
   * {@code verb} ("upload", "append to") {@code what} on {@code server} failing.
   */
  static <R> QueuedBlocks<R> start(Target<R> target, String verb, ServerAddress server,
      Supplier<String> what, Executor executor) {
    QueuedBlocks<R> blocks = new QueuedBlocks<>(target, verb, server, what);
    executor.execute(blocks::store);
    return blocks;
  }

  private void store() {
    try {
      for (byte[][] batch = batches.take(); batch != END; batch = batches.take()) {
        for (byte[] block : batch) {
          target.append(block, 0, block.length);
          spare.offer(block); // or, when full, left to the collector
        }
      }
      if (aborted) { // its END, not finish's
        throw new IOException("aborted");
      }
      ended.complete(target.end());
    } catch (IOException | RuntimeException e) {
      ended.completeExceptionally(e);
    } catch (InterruptedException e) {
      ended.completeExceptionally(e);
      Thread.currentThread().interrupt();
    } catch (Error e) {
      ended.completeExceptionally(e); // a writer waiting for room must not wait forever
      throw e;
    } finally {
      target.close();
    }
  }

  void write(byte[] bytes, int offset, int length) throws IOException {
    queue(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /** Queues {@code block} itself when it is whole: only an object's last block is not. */
  byte[] handOver(byte[] block, int length) throws IOException {
    if (length != block.length) {
      write(block, 0, length);
      return block;
    }
    byte[] exchange = spare.poll();
    queue(block);
    return exchange != null && exchange.length == length ? exchange : new byte[length];
  }

  private void queue(byte[] block) throws IOException {
    pending[count++] = block;
    if (count == BATCH) {
      handPending();
    }
  }

  private void handPending() throws IOException {
    byte[][] batch = count == BATCH ? pending : Arrays.copyOf(pending, count);
    pending = new byte[BATCH][];
    count = 0;
    hand(batch);
  }

  /** Hands over the last blocks and waits for the task to end the write. */
  R finish() throws IOException {
    if (count > 0) {
      handPending();
    }
    hand(END);
    try {
      return ended.get();
    } catch (ExecutionException e) {
      throw InProcessDataServerClient.heard(verb, server, what.get(), e.getCause());
    } catch (InterruptedException e) {
      throw interrupted();
    }
  }

  /** Queues {@code batch}, waiting for room while the task still writes. */
  private void hand(byte[][] batch) throws IOException {
    try {
      while (!batches.offer(batch, CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
        if (ended.isDone()) {
          break;
        }
      }
    } catch (InterruptedException e) {
      throw interrupted();
    }
    if (ended.isCompletedExceptionally()) {
      try {
        ended.join();
      } catch (RuntimeException e) {
        throw InProcessDataServerClient.heard(verb, server, what.get(), e.getCause());
      }
    }
  }

  private InterruptedIOException interrupted() {
    abort();
    Thread.currentThread().interrupt();
    return new InterruptedIOException("interrupted while writing " + what.get());
  }

  void abort() {
    aborted = true;
    target.abandon();
    batches.clear();
    batches.offer(END); // wakes a task waiting for a batch; it ends the write, aborted
  }

  void close() {
    if (!ended.isDone()) { // a task that failed closed its write itself
      abort();
    }
  }
}
