package dev.ostore.object;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.PendingShard;
import dev.ostore.dataserver.ShardWrite;
import dev.ostore.erasure.ErasureCode;
import dev.ostore.erasure.ErasureStreams;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locations;
import dev.ostore.object.ShardPlacement.Placed;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;

/**
 * Small content held whole in memory, hash known, written as shards in one request each: all
 * are sent, to distinct servers, before any answer is awaited, so the servers store them at once
 * and no thread, pipe or watch is needed. A server that cannot be reached is passed over for the
 * next candidate; one that fails once sent loses its shard to repair, as a streamed shard does.
 * Below the quorum the write fails and the shards stored are deleted.
 */
final class HeldShards {
  private final ShardFailures failures = new ShardFailures();
  private Locations locations;
  private Locations kept;

  private HeldShards() {}

  /**
   * Stores {@code content} ({@code hash}) as {@code striping}'s shards on servers taken from
   * {@code candidates} in order, and returns where they went and which failed; fewer than {@code
   * quorum} stored is an error, and nothing is kept.
   */
  static HeldShards store(DataServerClient client, LiveServers live,
      List<ServerAddress> candidates, Striping striping, ErasureCode code, byte[] content,
      ContentHash hash, int quorum, Object what) throws IOException {
    byte[][] shards = ErasureStreams.encodeWhole(code, striping, content);
    HeldShards held = new HeldShards();
    Map<Integer, Placed<PendingShard>> sent = ShardPlacement.place(
        IntStream.range(0, shards.length).boxed().toList(), candidates,
        (server, index) -> client.store(server, new ShardId(hash, index), striping,
            content.length, shards[index]),
        held.failures, live, what);
    settle(sent.values());
    Map<Integer, List<ServerAddress>> stored = new HashMap<>();
    Map<Integer, ShardWrite> writes = new HashMap<>();
    sent.forEach((index, shard) -> {
      try {
        writes.put(index, shard.shard().await());
        stored.put(index, List.of(shard.server()));
      } catch (IOException e) {
        held.failures.failed(index, shard.server(), e, what);
      }
    });
    held.locations = ShardPlacement.keep(stored, quorum, client, hash, striping, held.failures,
        what);
    held.kept = ShardWrite.kept(writes, index -> sent.get(index).server());
    return held;
  }

  /**
   * Waits until every shard sent is settled, as far as that can be known before awaiting each:
   * a thread woken once a shard costs tens of microseconds on a virtual machine (benchmarks.md,
   * section 45). How each went is heard from its own await.
   */
  private static void settle(Collection<Placed<PendingShard>> sent) {
    try {
      CompletableFuture.allOf(sent.stream().map(shard -> shard.shard().settled())
          .toArray(CompletableFuture[]::new)).get();
    } catch (ExecutionException e) {
      // One failed: its await says how, and the others' theirs.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the awaits give up on it
    }
  }

  /** Where the shards went. */
  Locations locations() {
    return locations;
  }

  /** The shards that were stored already, where they are. */
  Locations kept() {
    return kept;
  }

  /** The shards that did not make it, by index, with why. */
  Map<Integer, String> failures() {
    return failures.reasons();
  }
}
