package dev.ostore.upload;

import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.dataserver.BlockAppend;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.ShardCalls;
import dev.ostore.dataserver.UploadShardId;
import dev.ostore.erasure.StripeSink;
import dev.ostore.erasure.Striping;
import dev.ostore.metadata.UploadRecord;
import java.io.IOException;
import java.lang.System.Logger;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;

/**
 * The appends of one request to the shards of an upload, from the stripe the upload holds on,
 * fed stripe by stripe. Shards that failed before are skipped; one that fails now is dropped and
 * the others go on while the write quorum is left, below which the request fails and the upload
 * keeps what it held before. One thread feeds it.
 */
final class ShardAppends implements StripeSink, AutoCloseable {
  private static final Logger log = System.getLogger(ShardAppends.class.getName());

  private final DataServerClient client;
  private final UploadRecord upload;
  private final Striping striping;
  private final int quorum;
  private final Executor executor;
  private final Map<Integer, BlockAppend> appends = new LinkedHashMap<>();
  private final Set<Integer> failed;
  /** Why each shard failed in this request, for the error and for repair. */
  private final Map<Integer, String> reasons = new TreeMap<>();

  private ShardAppends(DataServerClient client, UploadRecord upload, Striping striping,
      int quorum, Executor executor) {
    this.client = client;
    this.upload = upload;
    this.striping = striping;
    this.quorum = quorum;
    this.executor = executor;
    this.failed = new HashSet<>(upload.failed());
  }

  /**
   * Starts an append on each shard of {@code upload} still going, declaring content of {@code
   * objectSize} bytes; fails below {@code quorum}.
   */
  static ShardAppends open(DataServerClient client, UploadRecord upload, Striping striping,
      long objectSize, int quorum, Executor executor) throws IOException {
    ShardAppends shards = new ShardAppends(client, upload, striping, quorum, executor);
    shards.start(objectSize, upload.stripes());
    return shards;
  }

  /**
   * Ends every append at {@code blocks}, forced, and goes on from there declaring content of
   * {@code objectSize} bytes: the stored size of compressed content, known only at its end.
   */
  void redeclare(long objectSize, long blocks) throws IOException {
    finish(blocks);
    start(objectSize, blocks);
  }

  private void start(long objectSize, long fromBlock) throws IOException {
    for (int index = 0; index < upload.servers().size(); index++) {
      if (failed.contains(index)) {
        continue;
      }
      ServerAddress server = upload.servers().get(index);
      try {
        appends.put(index, client.append(server, new UploadShardId(upload.id(), index),
            striping, objectSize, upload.expires(), fromBlock));
      } catch (IOException e) {
        fail(index, e);
      }
    }
    checkQuorum();
  }

  @Override
  public void write(long stripe, byte[][] chunks, int length) throws IOException {
    for (var it = appends.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      try {
        entry.getValue().writeBlock(chunks[entry.getKey()], 0, length);
      } catch (IOException e) {
        it.remove();
        entry.getValue().abort();
        fail(entry.getKey(), e);
      }
    }
    checkQuorum();
  }

  /**
   * Ends every append and waits until their servers forced them; a shard that does not hold
   * {@code blocks} then is failed. Fails below the quorum.
   */
  void finish(long blocks) throws IOException {
    Map<Integer, ShardCalls.Call<Long>> finishing = new LinkedHashMap<>();
    appends.forEach((index, append) -> finishing.put(index, append::finish));
    appends.clear();
    ShardCalls.Outcomes<Long> outcomes = ShardCalls.all(finishing, executor);
    outcomes.done().forEach((index, held) -> {
      if (held != blocks) {
        fail(index, new IOException("holds " + held + " blocks, not " + blocks));
      }
    });
    outcomes.failed().forEach(this::fail);
    checkQuorum();
  }

  /** The shards that failed, before or in this request. */
  Set<Integer> failed() {
    return Set.copyOf(failed);
  }

  /** Why shards failed in this request, by index. */
  Map<Integer, String> reasons() {
    return Map.copyOf(reasons);
  }

  /** Cuts every append still going. Idempotent. */
  @Override
  public void close() {
    appends.values().forEach(BlockAppend::abort);
    appends.clear();
  }

  private void fail(int index, Throwable e) {
    failed.add(index);
    ServerAddress server = upload.servers().get(index);
    reasons.put(index, server + ": " + e.getMessage());
    log.log(WARNING, () -> "shard " + index + " of upload " + upload.id() + " of "
        + upload.name() + " failed on " + server + ": " + e.getMessage());
  }

  private void checkQuorum() throws OstoreException {
    int left = upload.servers().size() - failed.size();
    if (left < quorum) {
      close();
      throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "cannot store upload "
          + upload.id() + " of " + upload.name() + ": " + left + " of its "
          + upload.servers().size() + " shards could be written, " + quorum + " needed ("
          + reasons.values() + ")");
    }
  }
}
