package dev.ostore.object;

import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.erasure.StripeSource;
import dev.ostore.erasure.Striping;
import dev.ostore.locate.Locations;
import dev.ostore.storage.ShardLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a content's stripes {@code [from, to)} from the data servers holding its shards, the data
 * shards while they answer (or only those a range of the content needs), each as one streamed
 * request read on a thread of its own ({@link ShardFeed}). A shard
 * that fails mid-read is replaced, from that stripe on, by another copy of it or by a parity
 * shard; one that lags more than {@code hedgeAfter} behind a stripe gets a parity shard beside it
 * (a hedge), and the first {@code k} chunks of each stripe win. The decoder rebuilds what is
 * missing. The reader's thread only puts stripes together, by lending the feeds' batches where
 * the reader takes them ({@link #lend}) rather than copying them.
 */
final class ShardStripes implements StripeSource, AutoCloseable {
  private static final Logger log = System.getLogger(ShardStripes.class.getName());

  private final DataServerClient client;
  private final ContentHash hash;
  private final Striping striping;
  private final long size;
  private final long to;
  private final Object what;
  private final Executor executor;
  private final long hedgeNanos;
  private Locations locations;
  /** The shards being read, by index. */
  private final Map<Integer, ShardFeed> feeds = new TreeMap<>();
  /** Chunks that arrived ahead of the stripe being put together, by shard index. */
  private final Map<Integer, Deque<ShardFeed.Item>> early = new TreeMap<>();
  private final BlockingQueue<ShardFeed.Item> arrivals = new LinkedBlockingQueue<>();
  /**
   * Feeds whose batch the last read finished with, released at the next read (or close): until
   * then the batch may be lent to the reader.
   */
  private final List<ShardFeed> finished = new ArrayList<>();
  /** What failed, for the error should too much fail. */
  private final List<String> failures = new ArrayList<>();
  /**
   * Whether a server failed, rather than only said it does not hold a shard (as one that lost
   * it does, or one a stale location names): only then is an unreadable content its failure.
   */
  private boolean serverFailed;
  /** Shards found missing or cut short, by index, with why: not merely unreachable. */
  private final Map<Integer, String> damaged = new TreeMap<>();

  /** Stripes {@code [0, to)}, whole or in part, may be read; none is until {@link #open}. */
  ShardStripes(DataServerClient client, ContentHash hash, Striping striping, long size, long to,
      Locations locations, Object what, Executor executor, Duration hedgeAfter) {
    this.client = client;
    this.hash = hash;
    this.striping = striping;
    this.size = size;
    this.to = to;
    this.locations = locations;
    this.what = what;
    this.executor = executor;
    this.hedgeNanos = hedgeAfter.toNanos();
  }

  /**
   * Opens, from stripe {@code from} on, the data shards that {@code wanted} names, or when some
   * cannot be opened, the first {@code k} shards that can, data shards first.
   */
  void open(long from, boolean[] wanted) throws IOException {
    for (int index = 0; index < wanted.length; index++) {
      if (wanted[index] && !start(index, from)) {
        add(from, striping.dataShards() - feeds.size());
        checkReadable();
        return;
      }
    }
  }

  /** Opens the first {@code k} shards that can be opened, data shards first. */
  void open() throws IOException {
    add(0, striping.dataShards());
    checkReadable();
  }

  @Override
  public void read(long stripe, int length, byte[][] chunks, boolean[] present)
      throws IOException {
    read(stripe, length, chunks, present, new boolean[striping.dataShards()]);
  }

  /** Ends once every data chunk {@code wanted} names is in, or any {@code k} chunks. */
  @Override
  public void read(long stripe, int length, byte[][] chunks, boolean[] present,
      boolean[] wanted) throws IOException {
    fill(stripe, length, chunks, null, present, wanted);
  }

  /** As {@link #read(long, int, byte[][], boolean[], boolean[])}, lending the feeds' batches. */
  @Override
  public void lend(long stripe, int length, byte[][] chunks, int[] offsets, boolean[] present,
      boolean[] wanted) throws IOException {
    fill(stripe, length, chunks, offsets, present, wanted);
  }

  /** Copies the chunks into {@code chunks}, or lends them when given {@code offsets}. */
  private void fill(long stripe, int length, byte[][] chunks, int[] offsets, boolean[] present,
      boolean[] wanted) throws IOException {
    finished.forEach(ShardFeed::consumed); // the reader is done with the last stripe
    finished.clear();
    int filled = 0;
    long deadline = System.nanoTime() + hedgeNanos;
    while (true) {
      for (Map.Entry<Integer, Deque<ShardFeed.Item>> entry : early.entrySet()) {
        ShardFeed.Item item = take(entry.getValue(), stripe);
        if (item == null) {
          continue;
        }
        int index = entry.getKey();
        if (!present[index] && filled < striping.dataShards()) {
          int at = item.offset(stripe, striping.chunkSize());
          if (offsets == null) {
            System.arraycopy(item.chunks(), at, chunks[index], 0, length);
          } else {
            chunks[index] = item.chunks();
            offsets[index] = at;
          }
          present[index] = true;
          filled++;
        }
        if (item.last(stripe)) {
          entry.getValue().poll();
          finished.add(item.feed()); // not released yet: the feed reuses the batch's buffer
        }
      }
      if (filled == striping.dataShards() || allIn(wanted, present)) {
        return;
      }
      ShardFeed.Item item = poll(deadline - System.nanoTime());
      if (item == null) {
        hedge(stripe);
        deadline = System.nanoTime() + hedgeNanos;
      } else if (item.failure() != null) {
        drop(item.feed(), item.failure());
        // From this stripe on: the stripe being put together may have its chunk already.
        add(stripe, striping.dataShards() - feeds.size());
        checkReadable();
      } else if (feeds.get(item.feed().index) == item.feed()) {
        early.computeIfAbsent(item.feed().index, i -> new ArrayDeque<>()).add(item);
      }
    }
  }

  /**
   * The shards that a server answered it does not hold (404: never there, lost, or quarantined
   * as corrupt) or whose transfer was cut mid-body (how a server stops sending a block that
   * fails its checksum), with why. A server that could not be reached is not here: it may come
   * back with its shards.
   */
  Map<Integer, String> damaged() {
    return Map.copyOf(damaged);
  }

  @Override
  public void close() {
    feeds.values().forEach(ShardFeed::close);
    feeds.clear();
    early.clear();
    finished.clear();
  }

  /**
   * The batch in {@code queue} that holds {@code stripe}, left at its head, dropping older ones;
   * null if none yet. The caller takes it off once done with its last stripe, and releases it
   * ({@link ShardFeed#consumed}) at the next read.
   */
  private ShardFeed.Item take(Deque<ShardFeed.Item> queue, long stripe) {
    while (!queue.isEmpty() && queue.peek().stripe() + queue.peek().count() <= stripe) {
      queue.poll().feed().consumed();
    }
    if (queue.isEmpty() || queue.peek().stripe() > stripe) {
      return null;
    }
    return queue.peek();
  }

  private ShardFeed.Item poll(long nanos) throws IOException {
    try {
      return arrivals.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading " + what);
    }
  }

  private static boolean allIn(boolean[] wanted, boolean[] present) {
    boolean any = false;
    for (int i = 0; i < wanted.length; i++) {
      if (wanted[i] && !present[i]) {
        return false;
      }
      any |= wanted[i];
    }
    return any;
  }

  /**
   * A shard lags: more, from this stripe on, if there are any left to ask; enough to decode
   * without it.
   */
  private void hedge(long stripe) throws IOException {
    int more = Math.max(1, striping.dataShards() + 1 - feeds.size());
    if (feeds.size() < striping.totalShards() && add(stripe, more) > 0) {
      log.log(WARNING, () -> "a shard of " + what + " lags at stripe " + stripe
          + "; reading more beside it");
    }
  }

  /**
   * Opens up to {@code wanted} more shards from {@code stripe} on, data shards first, and
   * returns how many it opened.
   */
  private int add(long stripe, int wanted) {
    int opened = 0;
    for (int index = 0; index < striping.totalShards() && opened < wanted; index++) {
      if (!feeds.containsKey(index) && start(index, stripe)) {
        opened++;
      }
    }
    return opened;
  }

  /** Starts reading shard {@code index} from one of its holders; false when none answers. */
  private boolean start(int index, long stripe) {
    for (ServerAddress server : locations.holders(index)) {
      ShardId id = new ShardId(hash, index);
      try {
        InputStream blocks = client.read(server, id, ShardLayout.of(striping, size), stripe, to);
        feeds.put(index, ShardFeed.start(index, server, blocks, striping, size, stripe, to,
            arrivals, executor));
        early.remove(index);
        return true;
      } catch (IOException e) {
        serverFailed |= !(e instanceof NoSuchFileException);
        if (e instanceof NoSuchFileException) {
          damaged.put(index, id + " missing on " + server);
        }
        failures.add(id + " on " + server + ": " + e.getMessage());
        locations = locations.without(server);
        log.log(WARNING, () -> "cannot read shard " + id + " of " + what + " from " + server
            + ": " + e.getMessage());
      }
    }
    return false;
  }

  /** Fails when fewer than {@code k} shards are being read. */
  private void checkReadable() throws OstoreException {
    if (feeds.size() < striping.dataShards()) {
      throw new OstoreException(serverFailed ? ErrorCode.DATA_SERVER_FAILED
          : ErrorCode.NO_DATA_SERVER, "cannot read " + what + ": " + feeds.size()
          + " of the " + striping.dataShards() + " shards needed are readable"
          + (failures.isEmpty() ? " on live data servers" : " (" + failures + ")"));
    }
  }

  private void drop(ShardFeed lost, IOException e) {
    if (feeds.get(lost.index) != lost) {
      return;
    }
    serverFailed = true;
    if (!(e instanceof OstoreException o && o.code() == ErrorCode.DATA_SERVER_UNREACHABLE)) {
      damaged.put(lost.index, new ShardId(hash, lost.index) + " cut short by " + lost.server);
    }
    feeds.remove(lost.index);
    early.remove(lost.index);
    lost.close();
    failures.add(new ShardId(hash, lost.index) + " on " + lost.server + ": " + e.getMessage());
    locations = locations.without(lost.server);
    log.log(WARNING, () -> "shard " + lost.index + " of " + what + " failed on " + lost.server
        + "; reading another: " + e.getMessage());
  }
}
