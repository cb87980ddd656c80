package dev.ostore.object;

import dev.ostore.ServerAddress;
import dev.ostore.erasure.Striping;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One shard read on a thread of its own, a batch of up to {@link #BATCH} stripes' chunks at a
 * time, a few batches ahead of the reader at most, into a queue that all the shards of a read
 * share: so that shards are read in parallel, and a shard that lags is seen lagging while the
 * others go on. Batches, not single chunks, because each hand-off between this thread and the
 * reader's costs a thread switch, and this machine's switches cost more than copying a chunk. The
 * batches go into a ring of {@link #AHEAD} buffers, reused: the reader must be done with a
 * batch, and say so with {@link #consumed()}, before it takes the next of the same feed, and
 * takes them in order.
 */
final class ShardFeed implements AutoCloseable {
  /**
   * How many batches a shard may read ahead of the one being put together: 2 MiB of chunks. A
   * shard in this process is read from the disk by the feed's own thread, 2 MiB per read; with
   * less in hand, the reader used up what the feed had read before its next read of the disk
   * came back (a 1 GiB GET at 0.77 of the speed with 2 batches ahead, benchmarks section 41).
   */
  static final int AHEAD = 8;
  /** The most stripes in a batch: 256 KiB of 64 KiB chunks. */
  static final int BATCH = 4;

  /**
   * The chunks of shard {@code index} for stripes {@code [stripe, stripe + count)}, back to back
   * in {@code chunks} (every one but the object's last a whole chunk), or the failure that ended
   * the shard.
   */
  record Item(ShardFeed feed, long stripe, int count, byte[] chunks, IOException failure) {
    /** Whether {@code at} is the batch's last stripe. */
    boolean last(long at) {
      return at == stripe + count - 1;
    }

    /** Where the chunk of stripe {@code at} starts in {@code chunks}. */
    int offset(long at, int chunkSize) {
      return Math.toIntExact((at - stripe) * chunkSize);
    }
  }

  final int index;
  final ServerAddress server;
  private final InputStream in;
  private final Semaphore ahead = new Semaphore(AHEAD);
  private final AtomicBoolean closed = new AtomicBoolean();
  /**
   * Where batches are read: batch {@code n} of the feed into {@code ring[n % ring.length]}, free
   * again since the reader released batch {@code n - AHEAD} before this feed could take its
   * permit (the ring is shorter than {@code AHEAD} only when it never wraps).
   */
  private final byte[][] ring;

  private ShardFeed(int index, ServerAddress server, InputStream in, int batches,
      int longestBatch) {
    this.index = index;
    this.server = server;
    this.in = in;
    // No more than the read has batches: a short read holds a stripe's chunks, not eight.
    this.ring = new byte[Math.min(AHEAD, batches)][longestBatch];
  }

  /**
   * Reads the chunks of stripes {@code [from, to)} of shard {@code index} from {@code in} on
   * {@code executor}, into {@code out}.
   */
  static ShardFeed start(int index, ServerAddress server, InputStream in, Striping striping,
      long size, long from, long to, BlockingQueue<Item> out, Executor executor) {
    ShardFeed feed = new ShardFeed(index, server, in, (int) ((to - from + BATCH - 1) / BATCH),
        from < to ? striping.chunkLength(size, from) * (int) Math.min(BATCH, to - from) : 0);
    executor.execute(() -> feed.run(striping, size, from, to, out));
    return feed;
  }

  /** Lets the feed read one more batch ahead: the reader is done with one of its batches. */
  void consumed() {
    ahead.release();
  }

  /** Stops reading: the thread ends at its next batch, and the connection is closed. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      ahead.release(AHEAD); // a feed waiting to read ahead sees it is closed
      try {
        in.close();
      } catch (IOException e) {
        // Done with it either way.
      }
    }
  }

  private void run(Striping striping, long size, long from, long to, BlockingQueue<Item> out) {
    try {
      long batches = 0;
      for (long stripe = from; stripe < to; stripe += BATCH, batches++) {
        ahead.acquire();
        if (closed.get()) {
          return;
        }
        int count = (int) Math.min(BATCH, to - stripe);
        // Only the object's last stripe may be short, and it ends a batch.
        int length = striping.chunkSize() * (count - 1)
            + striping.chunkLength(size, stripe + count - 1);
        byte[] chunks = ring[(int) (batches % ring.length)];
        int read = in.readNBytes(chunks, 0, length);
        if (read < length) {
          throw new IOException("the shard ended " + (length - read) + " bytes early");
        }
        out.add(new Item(this, stripe, count, chunks, null));
      }
    } catch (IOException e) {
      fail(e, out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      // Out of memory, say: the reader waits for this feed's next item, so it must get one.
      fail(new IOException("reading shard " + index + " failed: " + e, e), out);
      throw e;
    }
  }

  private void fail(IOException e, BlockingQueue<Item> out) {
    if (!closed.get()) {
      out.add(new Item(this, -1, 0, null, e));
    }
  }
}
