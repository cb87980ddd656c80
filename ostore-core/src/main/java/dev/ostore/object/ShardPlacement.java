package dev.ostore.object;

import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locations;
import java.io.IOException;
import java.lang.System.Logger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two ends of writing shards that both ways of writing share: each shard started on the
 * next candidate server that takes it, and the shards stored kept only when they reach the
 * quorum.
 */
final class ShardPlacement {
  private static final Logger log = System.getLogger(ShardPlacement.class.getName());

  /** A shard under way on {@code server}: its upload or its sent request. */
  record Placed<T>(ServerAddress server, T shard) {}

  /** Starts shard {@code index} on {@code server}; an {@link IOException} passes it over. */
  interface Starter<T> {
    T start(ServerAddress server, int index) throws IOException;
  }

  private ShardPlacement() {}

  /**
   * Starts each shard of {@code indexes} on distinct servers of {@code candidates}, in order: a
   * server that cannot take one is recorded in {@code failures} and passed over for the next.
   * Returns the shards started, in index order.
   */
  static <T> Map<Integer, Placed<T>> place(List<Integer> indexes, List<ServerAddress> candidates,
      Starter<T> starter, ShardFailures failures, LiveServers live, Object what) {
    Map<Integer, Placed<T>> placed = new LinkedHashMap<>();
    int next = 0;
    for (int index : indexes) {
      while (next < candidates.size() && !placed.containsKey(index)) {
        ServerAddress server = candidates.get(next++);
        try {
          placed.put(index, new Placed<>(server, starter.start(server, index)));
          failures.placed(index);
        } catch (IOException e) {
          failures.refused(live, index, server, e, what);
        }
      }
      if (!placed.containsKey(index)) {
        failures.noServerLeft(index);
      }
    }
    return placed;
  }

  /**
   * Where the shards of {@code hash} went, when {@code stored} reaches {@code quorum}; else they
   * are deleted, and the write fails with the error {@code failures} gives.
   */
  static Locations keep(Map<Integer, List<ServerAddress>> stored, int quorum,
      DataServerClient client, ContentHash hash, Striping striping, ShardFailures failures,
      Object what) throws IOException {
    if (stored.size() < quorum) {
      stored.forEach((index, servers) -> delete(client, servers.get(0),
          new ShardId(hash, index), what));
      throw failures.shortOfQuorum(what, striping, stored.size(), quorum);
    }
    return new Locations(stored);
  }

  /** Deletes a shard of a write of {@code what} that failed; a failure to is only logged. */
  private static void delete(DataServerClient client, ServerAddress server, ShardId id,
      Object what) {
    try {
      client.delete(server, id);
    } catch (IOException e) {
      log.log(WARNING, () -> "cannot delete shard " + id + " of a failed write of " + what
          + " from " + server + ": " + e.getMessage());
    }
  }
}
