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
 * One shard read on a thread of its own, chunk by chunk, a few stripes ahead of the reader at
 * most, into a queue that all the shards of a read share: so that shards are read in parallel,
 * and a shard that lags is seen lagging while the others go on. The chunks go into a ring of
 * {@link #AHEAD} buffers, reused: the reader must be done with a chunk, and say so with {@link
 * #consumed()}, before it takes the next of the same feed, and takes them in order.
 */
final class ShardFeed implements AutoCloseable {
  /** How many chunks a shard may read ahead of the stripe being put together. */
  static final int AHEAD = 3;

  /**
   * A chunk of shard {@code index} for {@code stripe} (its first {@code chunkLength(stripe)}
   * bytes of {@code chunk}), or the failure that ended the shard.
   */
  record Item(ShardFeed feed, long stripe, byte[] chunk, IOException failure) {}

  final int index;
  final ServerAddress server;
  private final InputStream in;
  private final Semaphore ahead = new Semaphore(AHEAD);
  private final AtomicBoolean closed = new AtomicBoolean();
  /**
   * Where chunks are read: chunk {@code n} of the feed into {@code ring[n % AHEAD]}, free again
   * since the reader released chunk {@code n - AHEAD} before this feed could take its permit.
   */
  private final byte[][] ring;

  private ShardFeed(int index, ServerAddress server, InputStream in, int longestChunk) {
    this.index = index;
    this.server = server;
    this.in = in;
    this.ring = new byte[AHEAD][longestChunk];
  }

  /**
   * Reads the chunks of stripes {@code [from, to)} of shard {@code index} from {@code in} on
   * {@code executor}, into {@code out}.
   */
  static ShardFeed start(int index, ServerAddress server, InputStream in, Striping striping,
      long size, long from, long to, BlockingQueue<Item> out, Executor executor) {
    ShardFeed feed = new ShardFeed(index, server, in,
        from < to ? striping.chunkLength(size, from) : 0);
    executor.execute(() -> feed.run(striping, size, from, to, out));
    return feed;
  }

  /** Lets the feed read one more chunk ahead: the reader is done with one of its chunks. */
  void consumed() {
    ahead.release();
  }

  /** Stops reading: the thread ends at its next chunk, and the connection is closed. */
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
      for (long stripe = from; stripe < to; stripe++) {
        ahead.acquire();
        if (closed.get()) {
          return;
        }
        int length = striping.chunkLength(size, stripe);
        byte[] chunk = ring[(int) ((stripe - from) % AHEAD)];
        int read = in.readNBytes(chunk, 0, length);
        if (read < length) {
          throw new IOException("the shard ended " + (length - read) + " bytes early");
        }
        out.add(new Item(this, stripe, chunk, null));
      }
    } catch (IOException e) {
      if (!closed.get()) {
        out.add(new Item(this, -1, null, e));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
