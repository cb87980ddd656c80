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
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.lang.System.Logger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a content's stripes from the data servers holding its shards: the data shards while
 * they answer, each as one streamed request; a shard that fails mid-read is replaced, from that
 * stripe on, by another copy of it or by a parity shard, and the decoder rebuilds what is missing.
 */
final class ShardStripes implements StripeSource, AutoCloseable {
  private static final Logger log = System.getLogger(ShardStripes.class.getName());

  private final DataServerClient client;
  private final ContentHash hash;
  private final Striping striping;
  private final long stripes;
  private final Object what;
  private Locations locations;
  /** The shards being read, by index. */
  private final Map<Integer, Reading> reading = new LinkedHashMap<>();
  /** What failed, for the error should too much fail. */
  private final List<String> failures = new ArrayList<>();
  /** Shards found missing or cut short, by index, with why: not merely unreachable. */
  private final Map<Integer, String> damaged = new TreeMap<>();

  private record Reading(ServerAddress server, InputStream in) {}

  ShardStripes(DataServerClient client, ContentHash hash, Striping striping, long size,
      Locations locations, Object what) {
    this.client = client;
    this.hash = hash;
    this.striping = striping;
    this.stripes = striping.stripeCount(size);
    this.locations = locations;
    this.what = what;
  }

  /** Opens the first {@code k} shards that can be opened, data shards first. */
  void open() throws IOException {
    fill(0);
  }

  @Override
  public void read(long stripe, int length, byte[][] chunks, boolean[] present)
      throws IOException {
    while (true) {
      boolean complete = true;
      for (var it = reading.entrySet().iterator(); it.hasNext(); ) {
        var entry = it.next();
        int index = entry.getKey();
        if (present[index]) {
          continue;
        }
        try {
          int read = entry.getValue().in().readNBytes(chunks[index], 0, length);
          if (read < length) {
            throw new IOException("the shard ended " + (length - read) + " bytes early");
          }
          present[index] = true;
        } catch (IOException e) {
          it.remove();
          drop(index, entry.getValue(), e);
          complete = false;
        }
      }
      if (complete && reading.size() >= striping.dataShards()) {
        return;
      }
      fill(stripe);
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
    reading.values().forEach(r -> closeQuietly(r.in()));
    reading.clear();
  }

  /** Opens shards from {@code stripe} on until {@code k} are being read; fails if it cannot. */
  private void fill(long stripe) throws IOException {
    for (int index = 0; index < striping.totalShards()
        && reading.size() < striping.dataShards(); index++) {
      if (reading.containsKey(index)) {
        continue;
      }
      for (ServerAddress server : locations.holders(index)) {
        ShardId id = new ShardId(hash, index);
        try {
          reading.put(index, new Reading(server, client.read(server, id, stripe, stripes)));
          break;
        } catch (IOException e) {
          if (e instanceof NoSuchFileException) {
            damaged.put(index, id + " missing on " + server);
          }
          failures.add(id + " on " + server + ": " + e.getMessage());
          locations = locations.without(server);
          log.log(WARNING, () -> "cannot read shard " + id + " of " + what + " from " + server
              + ": " + e.getMessage());
        }
      }
    }
    if (reading.size() < striping.dataShards()) {
      throw new OstoreException(failures.isEmpty() ? ErrorCode.NO_DATA_SERVER
          : ErrorCode.DATA_SERVER_FAILED, "cannot read " + what + ": " + reading.size()
          + " of the " + striping.dataShards() + " shards needed are readable"
          + (failures.isEmpty() ? " on live data servers" : " (" + failures + ")"));
    }
  }

  private void drop(int index, Reading lost, IOException e) {
    if (!(e instanceof OstoreException o && o.code() == ErrorCode.DATA_SERVER_UNREACHABLE)) {
      damaged.put(index, new ShardId(hash, index) + " cut short by " + lost.server());
    }
    failures.add(new ShardId(hash, index) + " on " + lost.server() + ": " + e.getMessage());
    locations = locations.without(lost.server());
    closeQuietly(lost.in());
    log.log(WARNING, () -> "shard " + index + " of " + what + " failed on " + lost.server()
        + "; reading another: " + e.getMessage());
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Dropped or done with: nothing more to read from it.
    }
  }
}
