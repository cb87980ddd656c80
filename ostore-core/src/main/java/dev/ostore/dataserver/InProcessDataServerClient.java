package dev.ostore.dataserver;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.erasure.Striping;
import dev.ostore.storage.CorruptShardException;
import dev.ostore.storage.ShardAppend;
import dev.ostore.storage.ShardFile;
import dev.ostore.storage.ShardLayout;
import dev.ostore.storage.ShardStore;
import dev.ostore.storage.ShardUpload;
import dev.ostore.stream.DataServerErrors;
import dev.ostore.stream.GetStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@link DataServerClient} that stores shards (sent whole or streamed), appends to resumable
 * uploads and reads shards by calling the {@link ShardStore} of a data server in this process,
 * with what can run beside the caller (a pack's force, a streamed shard's or an append's writes)
 * on {@code executor}, and otherwise
 * asks {@code remote}: a data server elsewhere, or anything else of one here. A failure reads as
 * it would over HTTP.
 */
final class InProcessDataServerClient implements DataServerClient {
  private final InProcessDataServers local;
  private final DataServerClient remote;
  private final Executor executor;

  InProcessDataServerClient(InProcessDataServers local, DataServerClient remote,
      Executor executor) {
    this.local = local;
    this.remote = remote;
    this.executor = executor;
  }

  /**
   * Stores the shard with the calling thread, up to what is left to wait for (the force of the
   * data server's pack, which runs on {@code executor}, shared with other shards'): shards sent
   * to several servers are then forced at once, and their sender parks once for all of them.
   */
  @Override
  public PendingShard store(ServerAddress server, ShardId id, Striping striping,
      long objectSize, byte[] shard) throws IOException {
    Optional<ShardStore> shards = local.shards(server);
    if (shards.isEmpty()) {
      return remote.store(server, id, striping, objectSize, shard);
    }
    CompletableFuture<ShardWrite> stored;
    try {
      stored = store(shards.get(), id, striping, objectSize, shard);
    } catch (IOException | RuntimeException e) {
      stored = CompletableFuture.failedFuture(e); // heard at the await, as over HTTP
    }
    CompletableFuture<ShardWrite> write = stored;
    return new PendingShard() {
      @Override
      public ShardWrite await() throws IOException {
        try {
          return write.get();
        } catch (ExecutionException e) {
          throw heard("upload", server, "shard " + id, e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while storing shard " + id);
        }
      }

      @Override
      public CompletableFuture<?> settled() {
        return write;
      }
    };
  }

  private CompletableFuture<ShardWrite> store(ShardStore shards, ShardId id,
      Striping striping, long objectSize, byte[] shard) throws IOException {
    try (ShardUpload upload = shards.create(id.index(), striping)) {
      ShardBlocks.split(shard, striping, upload::append);
      return upload.commitLater(id.hash(), objectSize, executor).thenApply(
          stored -> upload.keptExisting() ? ShardWrite.KEPT_EXISTING : ShardWrite.STORED);
    }
  }

  @Override
  public InputStream read(ServerAddress server, ShardId id, ShardLayout layout, long fromBlock,
      long toBlock) throws IOException {
    Optional<ShardStore> shards = local.shards(server);
    if (shards.isEmpty() || fromBlock < 0 || fromBlock >= toBlock) {
      return remote.read(server, id, layout, fromBlock, toBlock); // it checks the range
    }
    String what = "shard " + id;
    Optional<ShardFile> opened;
    try {
      opened = shards.get().open(id);
    } catch (CorruptShardException e) { // as over HTTP, where it is a 404
      throw HttpDataServerClient.missing(server, what, e);
    } catch (IOException | RuntimeException e) {
      throw heard("read", server, what, e);
    }
    if (opened.isEmpty()) {
      throw HttpDataServerClient.missing(server, what, null);
    }
    ShardFile file = opened.get();
    try {
      if (!file.layout().equals(layout)) {
        throw HttpDataServerClient.wrongRead(server, what,
            HttpDataServerClient.heldOtherwise(file.layout(), layout), null);
      }
      if (toBlock > layout.blockCount()) {
        throw HttpDataServerClient.wrongRead(server, what,
            "it has " + layout.blockCount() + " blocks, not " + toBlock, null);
      }
      return file.openBlocks(fromBlock, toBlock);
    } catch (CorruptShardException e) { // before any byte: one not held, as over HTTP
      file.close();
      throw HttpDataServerClient.missing(server, what, e);
    } catch (OstoreException e) {
      file.close();
      throw e;
    } catch (IOException | RuntimeException e) {
      file.close();
      throw heard("read", server, what, e);
    }
  }

  /**
   * A data server's failure as an api server hears it over HTTP ({@link DataServerErrors}); a
   * failure that is not an {@link OstoreException} is a {@code DATA_SERVER_FAILED}.
   */
  static OstoreException heard(String verb, ServerAddress server, String what, Throwable e) {
    if (e instanceof Error error) {
      throw error;
    }
    ErrorCode code = e instanceof OstoreException failure
        ? DataServerErrors.heard(failure.code()) : ErrorCode.DATA_SERVER_FAILED;
    return new OstoreException(code, "cannot " + verb + " " + what + " on " + server
        + ": data server " + server + " failed: " + e.getMessage(), e);
  }

  @Override
  public ShardWriter upload(ServerAddress server, int index, Striping striping)
      throws IOException {
    Optional<ShardStore> shards = local.shards(server);
    if (shards.isEmpty()) {
      return remote.upload(server, index, striping);
    }
    ShardUpload upload;
    try {
      upload = shards.get().create(index, striping);
    } catch (IOException | RuntimeException e) {
      throw heard("upload", server, "shard " + index, e);
    }
    try {
      return QueuedShardWriter.start(upload, server, index, executor);
    } catch (RejectedExecutionException e) {
      upload.close();
      throw heard("upload", server, "shard " + index, e);
    }
  }

  @Override
  public boolean delete(ServerAddress server, ShardId id) throws IOException {
    return remote.delete(server, id);
  }

  @Override
  public Map<ShardId, Hold> hold(ServerAddress server, List<ShardId> ids, Instant writtenBefore)
      throws IOException {
    return remote.hold(server, ids, writtenBefore);
  }

  @Override
  public List<HeldShard> listHeld(ServerAddress server, Optional<ShardId> after, int limit)
      throws IOException {
    return remote.listHeld(server, after, limit);
  }

  @Override
  public boolean restore(ServerAddress server, ShardId id) throws IOException {
    return remote.restore(server, id);
  }

  @Override
  public GetStream readWhole(ServerAddress server, ContentHash hash) throws IOException {
    return remote.readWhole(server, hash);
  }

  @Override
  public List<ListedShard> list(ServerAddress server, Optional<ShardId> after, int limit)
      throws IOException {
    return remote.list(server, after, limit);
  }

  @Override
  public List<ListedWhole> listWhole(ServerAddress server, Optional<ContentHash> after,
      int limit) throws IOException {
    return remote.listWhole(server, after, limit);
  }

  @Override
  public Hold holdWhole(ServerAddress server, ContentHash hash, Instant writtenBefore)
      throws IOException {
    return remote.holdWhole(server, hash, writtenBefore);
  }

  @Override
  public List<HeldWhole> listHeldWhole(ServerAddress server, Optional<ContentHash> after,
      int limit) throws IOException {
    return remote.listHeldWhole(server, after, limit);
  }

  @Override
  public boolean restoreWhole(ServerAddress server, ContentHash hash) throws IOException {
    return remote.restoreWhole(server, hash);
  }

  /**
   * Appends with a task of its own into the resumable upload of a data server in this process,
   * as its {@code PATCH /uploads/} would, without the loopback connection: a piece of a
   * resumable upload opens six of those (benchmarks, section 70).
   */
  @Override
  public BlockAppend append(ServerAddress server, UploadShardId id, Striping striping,
      long objectSize, Instant expires, long fromBlock) throws IOException {
    Optional<ShardStore> shards = local.shards(server);
    if (shards.isEmpty()) {
      return remote.append(server, id, striping, objectSize, expires, fromBlock);
    }
    if (fromBlock < 0) {
      throw new IllegalArgumentException("fromBlock (" + fromBlock + ") is negative");
    }
    String what = "upload " + id;
    ShardAppend append;
    try {
      if (id.index() >= striping.totalShards()) {
        throw OstoreException.badRequest(what + " is not a shard of " + striping);
      }
      append = shards.get().resumable().append(id.toString(),
          ShardLayout.of(striping, objectSize), expires, fromBlock);
    } catch (IOException | RuntimeException e) {
      throw heard("append to", server, what, e);
    }
    try {
      return QueuedBlockAppend.start(append, server, what, executor);
    } catch (RejectedExecutionException e) {
      append.close();
      throw heard("append to", server, what, e);
    }
  }

  @Override
  public long uploadedBlocks(ServerAddress server, UploadShardId id) throws IOException {
    return remote.uploadedBlocks(server, id);
  }

  @Override
  public InputStream readUpload(ServerAddress server, UploadShardId id, long fromBlock,
      long toBlock) throws IOException {
    return remote.readUpload(server, id, fromBlock, toBlock);
  }

  @Override
  public ShardWrite commitUpload(ServerAddress server, UploadShardId id, ContentHash hash)
      throws IOException {
    return remote.commitUpload(server, id, hash);
  }

  @Override
  public boolean deleteUpload(ServerAddress server, UploadShardId id) throws IOException {
    return remote.deleteUpload(server, id);
  }
}
