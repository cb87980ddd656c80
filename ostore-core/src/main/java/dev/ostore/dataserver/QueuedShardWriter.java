package dev.ostore.dataserver;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.storage.ShardUpload;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A shard written into the store of a data server in this process by a task of its own, as a
 * data server's thread would over HTTP: the writer hands the blocks over {@value #BATCH} at a
 * time through a queue of at most {@value #QUEUED_BLOCKS} blocks and goes on, so that the shards
 * of one object are written at once; {@link #finish} waits for the task to commit. Blocks
 * handed over whole ({@link #handOver}) are queued as they are, not copied, and once stored
 * given back to the writer in exchange for the next: a copy less of every byte of a big PUT.
 */
final class QueuedShardWriter implements ShardWriter {
  static final int QUEUED_BLOCKS = 16;
  /**
   * Blocks per hand-off. Each hand-off may wake the task, and a block at a time the writer of a
   * 1 GiB PUT spent 15% of its time waking them (benchmarks, section 41).
   */
  static final int BATCH = 4;
  private static final byte[][] END = new byte[0][];
  private static final long CHECK_MILLIS = 100;

  private final BlockingQueue<byte[][]> batches =
      new ArrayBlockingQueue<>(QUEUED_BLOCKS / BATCH);
  private final CompletableFuture<ShardWrite> stored = new CompletableFuture<>();
  private final ShardUpload upload;
  /** Blocks handed over whole and stored, to give back in exchange for the next. */
  private final BlockingQueue<byte[]> spare =
      new ArrayBlockingQueue<>(QUEUED_BLOCKS + 2 * BATCH);
  private final ServerAddress server;
  private final int index;
  /** The blocks not handed over yet: {@code pending[0, count)}; the writer's alone. */
  private byte[][] pending = new byte[BATCH][];
  private int count;
  private volatile boolean aborted;
  private volatile ContentHash hash;
  private volatile long objectSize;

  private QueuedShardWriter(ShardUpload upload, ServerAddress server, int index) {
    this.upload = upload;
    this.server = server;
    this.index = index;
  }

  /** The shard, named by its content once that is known. */
  private String what() {
    ContentHash named = hash;
    return "shard " + (named == null ? Integer.toString(index) : new ShardId(named, index));
  }

  /** Starts the task that stores {@code upload}'s blocks on {@code executor}. */
  static QueuedShardWriter start(ShardUpload upload, ServerAddress server, int index,
      Executor executor) {
    QueuedShardWriter writer = new QueuedShardWriter(upload, server, index);
    executor.execute(writer::store);
    return writer;
  }

  private void store() {
    try (upload) {
      for (byte[][] batch = batches.take(); batch != END; batch = batches.take()) {
        for (byte[] block : batch) {
          upload.append(block, 0, block.length);
          spare.offer(block); // or, when full, left to the collector
        }
      }
      if (aborted) { // its END, not finish's
        throw new IOException("aborted");
      }
      upload.commit(hash, objectSize);
      stored.complete(upload.keptExisting() ? ShardWrite.KEPT_EXISTING : ShardWrite.STORED);
    } catch (IOException | RuntimeException e) {
      stored.completeExceptionally(e);
    } catch (InterruptedException e) {
      stored.completeExceptionally(e);
      Thread.currentThread().interrupt();
    } catch (Error e) {
      stored.completeExceptionally(e); // a writer waiting for room must not wait forever
      throw e;
    }
  }

  @Override
  public void writeBlock(byte[] bytes, int offset, int length) throws IOException {
    queue(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /** Queues {@code block} itself when it is whole: only an object's last block is not. */
  @Override
  public byte[] handOver(byte[] block, int length) throws IOException {
    if (length != block.length) {
      writeBlock(block, 0, length);
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

  @Override
  public ShardWrite finish(ContentHash hash, long objectSize) throws IOException {
    this.hash = hash;
    this.objectSize = objectSize;
    if (count > 0) {
      handPending();
    }
    hand(END);
    try {
      return stored.get();
    } catch (ExecutionException e) {
      throw InProcessDataServerClient.heard("upload", server, what(), e.getCause());
    } catch (InterruptedException e) {
      throw interrupted();
    }
  }

  /** Queues {@code batch}, waiting for room while the task still stores. */
  private void hand(byte[][] batch) throws IOException {
    try {
      while (!batches.offer(batch, CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
        if (stored.isDone()) {
          break;
        }
      }
    } catch (InterruptedException e) {
      throw interrupted();
    }
    if (stored.isCompletedExceptionally()) {
      try {
        stored.join();
      } catch (RuntimeException e) {
        throw InProcessDataServerClient.heard("upload", server, what(), e.getCause());
      }
    }
  }

  private InterruptedIOException interrupted() {
    abort();
    Thread.currentThread().interrupt();
    return new InterruptedIOException("interrupted while storing " + what());
  }

  @Override
  public void abort() {
    aborted = true;
    upload.close();
    batches.clear();
    batches.offer(END); // wakes a task waiting for a batch; it finds the upload closed
  }

  @Override
  public void close() {
    if (!stored.isDone()) { // a task that failed closed its upload itself
      abort();
    }
  }
}
