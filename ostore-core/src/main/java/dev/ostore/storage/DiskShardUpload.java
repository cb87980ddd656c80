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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ShardUpload} into a temporary file: each block with its checksum as it comes, after
 * room for the header, which is written last, once the content's hash and size are known.
 */
final class DiskShardUpload implements ShardUpload {
  private final DiskShardStore store;
  private final int index;
  private final Striping striping;
  private final FileChannel channel;
  private final Path partial;
  private final FileBody body;
  /** The block being written, with room for its checksum after it. */
  private final ByteBuffer block;
  private final Writeback.File writeback;
  private final AtomicBoolean ended = new AtomicBoolean();
  private long written;
  private long blocks;
  private int lastLength;
  private boolean keptExisting;
  /** Whether the store took the file, renamed into place or deleted as a copy it had. */
  private boolean installed;

  DiskShardUpload(DiskShardStore store, int index, Striping striping, FileChannel channel,
      Path partial, Writeback writeback) throws IOException {
    this.store = store;
    this.index = index;
    this.striping = striping;
    this.channel = channel;
    this.partial = partial;
    this.block = ByteBuffer.allocate(striping.chunkSize() + ShardFormat.CRC_BYTES);
    this.writeback = writeback.follow(channel);
    this.body = new FileBody(partial, channel, ShardFormat.HEADER, store.directIo());
  }

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
    block.put(bytes, offset, length);
    block.putInt(ShardRecords.crc(block.array(), 0, length, blocks));
    writeFully(block.flip());
    block.clear();
    blocks++;
    written += length;
    lastLength = length;
    if (!body.direct()) {
      writeback.appended(written);
    }
  }

  @Override
  public ShardId commit(ContentHash hash, long objectSize) throws IOException {
    checkOpen();
    try {
      ShardLayout layout = ShardLayout.of(striping, objectSize);
      if (blocks != layout.blockCount() || written != layout.shardLength()) {
        throw OstoreException.badRequest("shard " + index + " of " + layout + " has "
            + layout.blockCount() + " blocks of " + layout.shardLength() + " bytes in all, not "
            + blocks + " of " + written);
      }
      ShardId id = new ShardId(hash, index);
      writeFinish();
      keptExisting = store.commit(id, layout, channel, partial);
      installed = true;
      return id;
    } finally {
      close();
    }
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
