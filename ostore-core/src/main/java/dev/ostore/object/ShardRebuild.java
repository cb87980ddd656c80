package dev.ostore.object;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.erasure.ErasureCode;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.heartbeat.WriteTargets;
import dev.ostore.locate.Locations;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.object.ContentRepair.Outcome;
import dev.ostore.object.ContentRepair.Pace;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.IntStream;

/**
 * Rebuilds the missing shards of one erasure-coded content: reads {@code k} of the others stripe
 * by stripe through {@link ShardStripes} (which replaces a shard that fails on the way), decodes
 * each stripe whole and streams the missing chunks to new servers through {@link ShardWriters}.
 * Every present shard not read (at most {@code m - missing}) is computed too and thrown away:
 * CPU, not I/O, and far simpler than a second code path.
 */
final class ShardRebuild {
  /**
   * When a shard read lags this long behind a stripe, a parity shard is read beside it: no
   * client waits for a repair, so later than a GET's hedge, but a stuck server must not hold it.
   */
  static final Duration HEDGE_AFTER = Duration.ofSeconds(5);

  private final LiveServers live;
  private final Locator locator;
  private final DataServerClient client;
  private final Codes codes;
  private final Executor executor;

  ShardRebuild(LiveServers live, Locator locator, DataServerClient client, Codes codes,
      Executor executor) {
    this.live = live;
    this.locator = locator;
    this.client = client;
    this.codes = codes;
    this.executor = executor;
  }

  Outcome rebuild(ContentHash hash, ContentLayout layout, Locations locations, Set<Integer> only,
      Pace pace) throws IOException {
    Striping striping = layout.striping();
    List<Integer> missing = IntStream.range(0, striping.totalShards())
        .filter(i -> locations.holders(i).isEmpty() && (only.isEmpty() || only.contains(i)))
        .boxed().toList();
    if (missing.isEmpty()) {
      return Outcome.NOTHING;
    }
    String what = "content " + hash.hex();
    if (locations.distinctShards() < striping.dataShards()) {
      throw new OstoreException(ErrorCode.NO_DATA_SERVER, "cannot repair " + what + ": "
          + locations.distinctShards() + " of its shards are on live data servers, "
          + striping.dataShards() + " needed");
    }
    List<ServerAddress> targets = targets(locations);
    if (targets.isEmpty()) {
      throw noTarget(locations, what);
    }
    long size = layout.storedSize();
    ErasureCode code = codes.of(striping);
    long read = 0;
    long written = 0;
    int rebuilt;
    try (ShardWriters writers = ShardWriters.start(client, live, targets, striping, missing, 1,
            what, executor);
        ShardStripes stripes = new ShardStripes(client, hash, striping, size,
            striping.stripeCount(size), locations, what, executor, HEDGE_AFTER)) {
      stripes.open();
      long count = striping.stripeCount(size);
      int longest = count == 0 ? 0 : striping.chunkLength(size, 0);
      byte[][] chunks = new byte[striping.totalShards()][longest];
      boolean[] present = new boolean[striping.totalShards()];
      for (long stripe = 0; stripe < count; stripe++) {
        int length = striping.chunkLength(size, stripe);
        Arrays.fill(present, false);
        stripes.read(stripe, length, chunks, present);
        code.reconstruct(chunks, present, 0, length);
        writers.write(stripe, chunks, length);
        long stripeRead = (long) length * striping.dataShards();
        long stripeWritten = (long) length * missing.size();
        read += stripeRead;
        written += stripeWritten;
        pace.transferred(stripeRead, stripeWritten);
      }
      rebuilt = writers.finish(client, hash, size).distinctShards();
    } finally {
      locator.forget(hash.hex());
    }
    return new Outcome(missing.size(), rebuilt, read, written, false);
  }

  /**
   * Live servers with room holding no shard of the content, in random order: spreads the new
   * shards.
   */
  private List<ServerAddress> targets(Locations locations) {
    List<ServerAddress> targets = WriteTargets.any(live);
    targets.removeAll(holders(locations));
    return targets;
  }

  /** Why no server can take a rebuilt shard: each holds one already, or the others are full. */
  private OstoreException noTarget(Locations locations, Object what) {
    if (holders(locations).containsAll(live.live())) {
      return new OstoreException(ErrorCode.NO_DATA_SERVER, "cannot repair " + what
          + ": every live data server holds a shard of it already");
    }
    return new OstoreException(ErrorCode.INSUFFICIENT_STORAGE, "cannot repair " + what
        + ": the live data servers that hold no shard of it are full");
  }

  private static Set<ServerAddress> holders(Locations locations) {
    Set<ServerAddress> holding = new HashSet<>();
    locations.shards().values().forEach(holding::addAll);
    return holding;
  }
}
