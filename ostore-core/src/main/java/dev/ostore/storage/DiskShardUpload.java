package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.OstoreException;
import dev.ostore.ShardId;
import dev.ostore.erasure.Striping;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ShardUpload}: each block with its checksum as it comes, after room for the header,
 * which is written last, once the content's hash and size are known. The blocks are held in
 * memory while they fit a pack ({@link ShardPacks#MAX_SHARD}), and a shard that fits is stored
 * there; past that, they go to a temporary file, which becomes the shard's.
 */
final class DiskShardUpload implements ShardUpload {
  private final DiskShardStore store;
  private final int index;
  private final Striping striping;
  private final Writeback writebacks;
  /**
   * The blocks while they fit a pack, after room for a pack record's header and the shard's;
   * null once they went to a file.
   */
  private ByteBuffer held;
  private FileChannel channel;
  private Path partial;
  private FileBody body;
  private Writeback.File writeback;
  private final AtomicBoolean ended = new AtomicBoolean();
  private long written;
  private long blocks;
  private int lastLength;
  private boolean keptExisting;
  /** Whether the store took the file, renamed into place or deleted as a copy it had. */
  private boolean installed;

  DiskShardUpload(DiskShardStore store, int index, Striping striping, Writeback writebacks) {
    this.store = store;
    this.index = index;
    this.striping = striping;
    this.writebacks = writebacks;
    // Room for the headers alone: the first block makes room for itself, so that a shard of one
    // short block (most small shards) takes no more memory than it needs.
    this.held = ByteBuffer.allocate(HELD_FROM).position(HELD_FROM);
  }

  /** Where the first block goes in {@link #held}. */
  private static final int HELD_FROM = PackFormat.HEADER + ShardFormat.HEADER;

  @Override
  public void append(byte[] bytes, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    checkOpen();
    if (length < 1 || length > striping.chunkSize()) {
      throw OstoreException.badRequest("a block of " + this + " has 1 to "
          + striping.chunkSize() + " bytes, not " + length);
    }
    if (blocks > 0 && lastLength < striping.chunkSize()) {
      throw OstoreException.badRequest("only the last block of " + this + " may be short, and "
          + "block " + (blocks - 1) + " had " + lastLength + " bytes");
    }
    if (held != null && written + length > ShardPacks.MAX_SHARD) {
      spill();
    }
    if (held != null) {
      hold(bytes, offset, length);
    } else {
      try {
        body.writeRecord(bytes, offset, length, blocks);
      } catch (IOException e) {
        throw DiskStorage.failed(toString(), e);
      }
    }
    blocks++;
    written += length;
    lastLength = length;
    if (held == null) {
      writeback.appended(written);
    }
  }

  private void hold(byte[] bytes, int offset, int length) {
    int needed = length + ShardFormat.CRC_BYTES;
    if (held.remaining() < needed) {
      int capacity = Math.max(held.position() + needed, Math.min(2 * held.capacity(),
          HELD_FROM + ShardPacks.MAX_SHARD + (int) (blocks + 1) * ShardFormat.CRC_BYTES));
      held = ByteBuffer.allocate(capacity).put(held.flip());
    }
    int at = held.position();
    held.put(bytes, offset, length);
    held.putInt(ShardRecords.crc(held.array(), at, length, blocks));
  }

  /** Moves the blocks held so far to a temporary file, where the rest will follow them. */
  private void spill() throws IOException {
    DiskShardStore.Partial file = store.newPartial(index);
    synchronized (this) {
      // A close from another thread either sees the file, and deletes it, or ended it before.
      if (ended.get()) {
        file.channel().close();
        Files.deleteIfExists(file.file());
        checkOpen();
      }
      channel = file.channel();
      partial = file.file();
    }
    writeback = writebacks.follow(channel);
    body = new FileBody(partial, channel, ShardFormat.HEADER, store.directIo());
    ByteBuffer records = held.flip().position(HELD_FROM);
    held = null;
    writeFully(records);
  }

  @Override
  public ShardId commit(ContentHash hash, long objectSize) throws IOException {
    checkOpen();
    try {
      ShardLayout layout = layoutOf(objectSize);
      ShardId id = new ShardId(hash, index);
      if (held != null) {
        keptExisting = store.commitPacked(id, headed(id, layout), layout);
      } else {
        writeFinish();
        keptExisting = store.commit(id, layout, channel, partial);
      }
      installed = true;
      return id;
    } finally {
      close();
    }
  }

  /** Stores a shard held in memory as {@link #commit} does, its pack forced on {@code executor}. */
  @Override
  public CompletableFuture<ShardId> commitLater(ContentHash hash, long objectSize,
      Executor executor) {
    if (held == null) {
      return ShardUpload.super.commitLater(hash, objectSize, executor);
    }
    checkOpen();
    try {
      ShardLayout layout = layoutOf(objectSize);
      ShardId id = new ShardId(hash, index);
      return store.commitPackedLater(id, headed(id, layout), layout, executor)
          .thenApply(kept -> {
            keptExisting = kept;
            installed = true;
            return id;
          });
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      close(); // the blocks are in the pack, or given up: the upload's slot is free
    }
  }

  /** The layout of a content of {@code objectSize} bytes, which the blocks must fit. */
  private ShardLayout layoutOf(long objectSize) throws OstoreException {
    ShardLayout layout = ShardLayout.of(striping, objectSize);
    if (blocks != layout.blockCount() || written != layout.shardLength()) {
      throw OstoreException.badRequest("shard " + index + " of " + layout + " has "
          + layout.blockCount() + " blocks of " + layout.shardLength() + " bytes in all, not "
          + blocks + " of " + written);
    }
    return layout;
  }

  /** The blocks held, with the shard's header written before them: a pack record's room. */
  private ByteBuffer headed(ShardId id, ShardLayout layout) {
    return held.put(PackFormat.HEADER, ShardFormat.header(id, layout), 0, ShardFormat.HEADER)
        .flip();
  }

  @Override
  public boolean keptExisting() {
    return keptExisting;
  }

  @Override
  public void close() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      if (channel == null) {
        store.ended(this); // held in memory: nothing to delete
        return;
      }
    }
    try (FileBody closing = body) {
      channel.close();
      if (!installed) {
        Files.deleteIfExists(partial);
      }
    } catch (IOException e) {
      System.getLogger(DiskShardUpload.class.getName()).log(System.Logger.Level.WARNING,
          () -> "cannot delete " + partial + ": " + e);
    } finally {
      store.ended(this);
    }
  }

  @Override
  public String toString() {
    return "upload of shard " + index + " of " + striping;
  }

  private void writeFully(ByteBuffer bytes) throws IOException {
    try {
      body.write(bytes);
    } catch (IOException e) {
      throw DiskStorage.failed(toString(), e);
    }
  }

  private void writeFinish() throws IOException {
    try {
      body.finish();
    } catch (IOException e) {
      throw DiskStorage.failed(toString(), e);
    }
  }

  private void checkOpen() {
    if (ended.get()) {
      throw new IllegalStateException(this + " is over");
    }
  }
}
