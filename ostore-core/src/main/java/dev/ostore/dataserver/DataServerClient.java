package dev.ostore.dataserver;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.erasure.Striping;
import dev.ostore.storage.ShardLayout;
import dev.ostore.stream.GetStream;
import dev.ostore.stream.Transfers;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * What an api server asks of a data server about shards, over one protocol whose paths and
 * headers live here alone. Every failure is an {@link IOException} naming the server and the
 * shard; those of the transport are {@link dev.ostore.OstoreException}s with the codes of {@link
 * Transfers}.
 *
 * <pre>{@code
 * DataServerClient client = DataServerClient.overHttp(transfers);
 * try (ShardWriter writer = client.upload(server, index, striping)) {
 *   writer.writeBlock(chunk, 0, length); // for each stripe
 *   writer.finish(hash, objectSize);
 * }
 * }</pre>
 */
public interface DataServerClient {
  /** A client that talks HTTP through {@code transfers}, whose executors the caller owns. */
  static DataServerClient overHttp(Transfers transfers) {
    return new HttpDataServerClient(transfers);
  }

  /**
   * A client that stores shards ({@link #store}, {@link #upload}) and reads them ({@link #read})
   * on the data servers in {@code local} by calling their stores, on {@code executor}, and
   * asks {@code remote} for all else: the one-process store's client, with no loopback HTTP
   * on its paths of every object. {@code executor} should start each task at once, as a cached
   * pool does: a copy waits for its pack's force, which runs there, and a streamed shard for
   * the task that writes it.
   */
  static DataServerClient preferringInProcess(InProcessDataServers local,
      DataServerClient remote, Executor executor) {
    return new InProcessDataServerClient(local, remote, executor);
  }

  /**
   * Streams shard {@code index} of content cut as {@code striping} says: write its blocks, then
   * {@link ShardWriter#finish} names the content and waits for the server to store it; {@link
   * ShardWriter#abort()} cuts the request so nothing is stored. Returns once connected; a server
   * that cannot be reached fails here.
   */
  ShardWriter upload(ServerAddress server, int index, Striping striping) throws IOException;

  /**
   * Sends shard {@code id} of content of {@code objectSize} bytes cut as {@code striping} says,
   * held whole in memory ({@code shard}: its blocks back to back), in one request; {@link
   * PendingShard#await} waits for the server to store it. Shards sent to several servers before
   * any is awaited are stored at once. A server that cannot be reached fails here.
   */
  default PendingShard store(ServerAddress server, ShardId id, Striping striping,
      long objectSize, byte[] shard) throws IOException {
    ShardWriter writer = upload(server, id.index(), striping);
    try {
      ShardBlocks.split(shard, striping, writer::writeBlock);
    } catch (IOException | RuntimeException e) {
      writer.close();
      throw e;
    }
    return () -> {
      try (writer) {
        return writer.finish(id.hash(), objectSize);
      }
    };
  }

  /**
   * Streams blocks {@code [fromBlock, toBlock)} of a shard, verified by the server; a shard the
   * server does not hold is a {@link java.nio.file.NoSuchFileException}, one it holds under
   * another layout than {@code layout} (stored by a write under other settings: the shards of
   * both share their names) an {@link IOException} before any byte, a transfer cut short an
   * {@link IOException} from the stream's {@code read}. Close the stream when done.
   */
  InputStream read(ServerAddress server, ShardId id, ShardLayout layout, long fromBlock,
      long toBlock) throws IOException;

  /** Deletes a shard; false when the server did not hold it. */
  boolean delete(ServerAddress server, ShardId id) throws IOException;

  /** What {@link #hold} did. */
  enum Hold {
    /** The shard is in the holding area now. */
    HELD,
    /** The server holds no such shard. */
    ABSENT,
    /** The shard was written at or after the time given, so it was kept in place. */
    WRITTEN_SINCE
  }

  /**
   * Moves shards {@code ids} to the server's holding area in one request, from which {@link
   * #restore} can put each back until the server's hold period has passed, except those written
   * (stored, or kept when the same shard was stored again) at or after {@code writtenBefore}: the
   * server decides that under each shard's lock, so a write racing a collection always wins.
   * Answers what it did with each id. A crash of the server may undo a hold, never lose a shard.
   */
  Map<ShardId, Hold> hold(ServerAddress server, List<ShardId> ids, Instant writtenBefore)
      throws IOException;

  /** The most shard ids one hold request takes; {@link #hold} sends more in several. */
  int MAX_HOLD = 10_000;

  /**
   * Up to {@code limit} of the shards in {@code server}'s holding area, in {@link ShardId} order,
   * after {@code after} (from the first when empty); fewer than {@code limit} means the end.
   */
  List<HeldShard> listHeld(ServerAddress server, Optional<ShardId> after, int limit)
      throws IOException;

  /**
   * Puts a held shard back in place (or drops the held copy when the shard has been stored again
   * meanwhile); false when the server holds no such shard in its holding area.
   */
  boolean restore(ServerAddress server, ShardId id) throws IOException;

  /**
   * Streams content stored whole, as data servers stored it before erasure coding ({@code GET
   * /objects/<hex>}), checked by the server as it sends it.
   */
  GetStream readWhole(ServerAddress server, ContentHash hash) throws IOException;

  /**
   * Up to {@code limit} of the shards {@code server} holds, in {@link ShardId} order, after
   * {@code after} (from the first when empty): a page of its listing. Fewer than {@code limit}
   * means the listing is over.
   */
  List<ListedShard> list(ServerAddress server, Optional<ShardId> after, int limit)
      throws IOException;

  /**
   * Up to {@code limit} of the contents {@code server} stores whole (as before erasure coding), in
   * hash order, after {@code after} (from the first when empty): a page of its listing, {@code
   * GET /objects/}. Fewer than {@code limit} means the listing is over.
   */
  List<ListedWhole> listWhole(ServerAddress server, Optional<ContentHash> after, int limit)
      throws IOException;

  /**
   * Moves content stored whole on {@code server} to its holding area, as {@link #hold} does
   * shards, unless it was written (stored, or stored again) at or after {@code writtenBefore}:
   * the server decides under the lock its stores take. {@link #restoreWhole} puts it back until
   * the server's hold period has passed.
   */
  Hold holdWhole(ServerAddress server, ContentHash hash, Instant writtenBefore)
      throws IOException;

  /**
   * Up to {@code limit} of the contents in {@code server}'s holding area for whole content, in
   * hash order, after {@code after} (from the first when empty); fewer means the end.
   */
  List<HeldWhole> listHeldWhole(ServerAddress server, Optional<ContentHash> after, int limit)
      throws IOException;

  /**
   * Puts held whole content back in place, served and located again; false when the server
   * holds no such content in its holding area.
   */
  boolean restoreWhole(ServerAddress server, ContentHash hash) throws IOException;

  /**
   * Appends blocks to resumable shard upload {@code id} of content of {@code objectSize} bytes cut
   * as {@code striping} says, from block {@code fromBlock} on: what the upload held past it is
   * dropped (it was never acknowledged). Block 0 creates the upload, which its server deletes
   * once {@code expires} has passed. Returns once connected.
   */
  BlockAppend append(ServerAddress server, UploadShardId id, Striping striping, long objectSize,
      Instant expires, long fromBlock) throws IOException;

  /**
   * How many blocks upload {@code id} holds; a {@link java.nio.file.NoSuchFileException} when the
   * server holds no such upload.
   */
  long uploadedBlocks(ServerAddress server, UploadShardId id) throws IOException;

  /**
   * Streams blocks {@code [fromBlock, toBlock)} of upload {@code id}, verified by the server, as
   * {@link #read} streams a shard's.
   */
  InputStream readUpload(ServerAddress server, UploadShardId id, long fromBlock, long toBlock)
      throws IOException;

  /**
   * Turns the complete upload {@code id} into shard {@code (hash, id.index())}, durably; its blocks
   * must be all those its layout makes. Says whether the shard was stored now or held already.
   */
  ShardWrite commitUpload(ServerAddress server, UploadShardId id, ContentHash hash)
      throws IOException;

  /** Deletes upload {@code id}; false when the server did not hold it. */
  boolean deleteUpload(ServerAddress server, UploadShardId id) throws IOException;
}
