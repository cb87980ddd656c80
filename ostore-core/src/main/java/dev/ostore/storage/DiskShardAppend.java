package dev.ostore.storage;

import dev.ostore.OstoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ShardAppend} on an upload's file, opened at the end of its blocks: each block goes in
 * as a record, where its shard will have it, past the file's first MiB straight to the disk as a
 * shard upload's do ({@link FileBody}); {@link #finish} forces them, then counts them in the
 * header as checked.
 */
final class DiskShardAppend implements ShardAppend {
  private final DiskResumableShards uploads;
  private final DiskResumableShards.Upload upload;
  private final FileChannel channel;
  private final FileBody body;
  private final ShardLayout layout;
  private final Writeback.File writeback;
  private final AtomicBoolean ended = new AtomicBoolean();
  private long next;

  /**
   * Appends to {@code upload}, open for reading and writing as {@code channel} and cut to {@code
   * from} blocks; {@code directIo} false keeps every write in the page cache.
   */
  DiskShardAppend(DiskResumableShards uploads, DiskResumableShards.Upload upload,
      FileChannel channel, long from, Writeback writeback, boolean directIo) {
    this.uploads = uploads;
    this.upload = upload;
    this.channel = channel;
    this.layout = upload.layout;
    this.body = new FileBody(upload.file, channel, UploadFormat.end(layout, from), directIo);
    this.writeback = writeback.follow(channel);
    this.next = from;
  }

  @Override
  public void append(byte[] block, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, block.length);
    checkOpen();
    if (next >= layout.blockCount()) {
      throw OstoreException.badRequest("block " + next + " is past the last of " + upload
          + ", which has " + layout.blockCount() + " blocks (" + layout + ")");
    }
    if (length != layout.blockLength(next)) {
      throw OstoreException.badRequest("block " + next + " of " + upload + " has "
          + layout.blockLength(next) + " bytes (" + layout + "), not " + length);
    }
    try {
      body.writeRecord(block, offset, length, next);
    } catch (IOException e) {
      cutTorn();
      throw DiskStorage.failed(upload.toString(), e);
    }
    next++;
    writeback.appended(body.position());
  }

  @Override
  public long finish() throws IOException {
    checkOpen();
    try {
      body.finish();
      channel.force(true);
      // After the force: the count never runs ahead of the blocks on disk.
      DiskResumableShards.writeCount(channel, next);
      upload.blocks = next;
      return next;
    } catch (IOException e) {
      throw DiskStorage.failed(upload.toString(), e);
    } finally {
      close();
    }
  }

  @Override
  public void close() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    // The whole blocks written, forced or not: what a request that broke off leaves.
    try {
      body.finish();
    } catch (IOException e) {
      cutTorn();
    }
    upload.blocks = next;
    try (FileBody closing = body) {
      channel.close();
    } catch (IOException e) {
      System.getLogger(DiskShardAppend.class.getName()).log(System.Logger.Level.WARNING,
          () -> "cannot close " + upload + ": " + e);
    } finally {
      uploads.ended(upload);
    }
  }

  @Override
  public String toString() {
    return "append to " + upload + " at block " + next;
  }

  /**
   * After a failed write: the blocks not whole in the file are no longer counted, and whatever
   * part of them reached it is cut off. Blocks held for a direct write may be lost with it.
   */
  private void cutTorn() {
    while (next > 0 && UploadFormat.end(layout, next) > body.written()) {
      next--;
    }
    try {
      channel.truncate(UploadFormat.end(layout, next));
    } catch (IOException e) {
      // The disk is failing; the next append's truncation, or a restart's check, cuts it.
    }
  }

  private void checkOpen() {
    if (ended.get()) {
      throw new IllegalStateException(this + " is over");
    }
  }
}
