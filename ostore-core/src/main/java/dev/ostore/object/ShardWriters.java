package dev.ostore.object;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.ShardCalls;
import dev.ostore.dataserver.ShardWrite;
import dev.ostore.dataserver.ShardWriter;
import dev.ostore.erasure.StripeSink;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locations;
import dev.ostore.object.ShardPlacement.Placed;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The shard uploads of one content, one per distinct data server, fed stripe by stripe. A shard
 * whose server fails is dropped and the others go on, as long as a quorum of them can still be
 * committed; below that the whole write fails: {@code BUSY} when the servers that failed all
 * refused as busy (so that the client retries later), else {@code DATA_SERVER_FAILED}.
 */
final class ShardWriters implements StripeSink, AutoCloseable {
  private final Striping striping;
  private final int quorum;
  private final Object what;
  private final Executor executor;
  /** Shard index to its upload, for the shards still going; in index order. */
  private final Map<Integer, Placed<ShardWriter>> uploads;
  /** Why each shard that is not going failed. */
  private final ShardFailures failures;
  private Locations kept = Locations.NONE;

  private ShardWriters(Striping striping, int quorum, Object what, Executor executor,
      Map<Integer, Placed<ShardWriter>> uploads, ShardFailures failures) {
    this.striping = striping;
    this.quorum = quorum;
    this.what = what;
    this.executor = executor;
    this.uploads = uploads;
    this.failures = failures;
  }

  /**
   * Starts one upload per shard of {@code indexes} on distinct servers of {@code candidates}, in
   * order; a server that cannot take one is passed over for the next. Fails if fewer than {@code
   * quorum} start.
   */
  static ShardWriters start(DataServerClient client, LiveServers live,
      List<ServerAddress> candidates, Striping striping, List<Integer> indexes, int quorum,
      Object what, Executor executor) throws IOException {
    ShardFailures failures = new ShardFailures();
    ShardWriters writers = new ShardWriters(striping, quorum, what, executor,
        ShardPlacement.place(indexes, candidates,
            (server, index) -> client.upload(server, index, striping), failures, live, what),
        failures);
    try {
      writers.checkQuorum();
    } catch (IOException e) {
      writers.close();
      throw e;
    }
    return writers;
  }

  /** Hands each chunk over to its shard's writer, which may keep it (see {@link StripeSink}). */
  @Override
  public void write(long stripe, byte[][] chunks, int length) throws IOException {
    for (var it = uploads.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      int index = entry.getKey();
      try {
        chunks[index] = entry.getValue().shard().handOver(chunks[index], length);
      } catch (IOException e) {
        it.remove(); // and aborted: what it may still read of the array is not stored
        fail(index, entry.getValue(), e);
      }
    }
    checkQuorum();
  }

  /**
   * Commits every shard still going under {@code hash}, all at once, and returns where they are;
   * fewer than the quorum committed deletes those that were and fails.
   */
  Locations finish(DataServerClient client, ContentHash hash, long size) throws IOException {
    Map<Integer, ShardCalls.Call<ShardWrite>> commits = new LinkedHashMap<>();
    uploads.forEach((index, upload) -> commits.put(index,
        () -> upload.shard().finish(hash, size)));
    ShardCalls.Outcomes<ShardWrite> outcomes = ShardCalls.all(commits, executor);
    Map<Integer, List<ServerAddress>> committed = new HashMap<>();
    outcomes.done().keySet().forEach(index ->
        committed.put(index, List.of(uploads.get(index).server())));
    kept = ShardWrite.kept(outcomes.done(), index -> uploads.get(index).server());
    outcomes.failed().forEach((index, e) -> fail(index, uploads.get(index), e));
    uploads.clear();
    return ShardPlacement.keep(committed, quorum, client, hash, striping, failures, what);
  }

  /** The shards that {@link #finish} found stored already, where they are. */
  Locations kept() {
    return kept;
  }

  /** The shards that did not make it, by index, with why: repair puts them back. */
  Map<Integer, String> failures() {
    return failures.reasons();
  }

  /** Cuts every upload still going: their servers keep nothing. Idempotent. */
  @Override
  public void close() {
    uploads.values().forEach(upload -> upload.shard().abort());
    uploads.clear();
  }

  private void fail(int index, Placed<ShardWriter> upload, Throwable e) {
    upload.shard().abort();
    failures.failed(index, upload.server(), e, what);
  }

  private void checkQuorum() throws IOException {
    int left = uploads.size();
    if (left < quorum) {
      close(); // empties uploads: counted before
      throw failures.shortOfQuorum(what, striping, left, quorum);
    }
  }
}
