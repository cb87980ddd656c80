package dev.ostore.storage;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.ostore.ShardId;
import java.io.IOException;
import java.lang.System.Logger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Reads back an upload's file as a data server starts: checks the blocks its header does not count
 * as checked yet and cuts the file at the first that fails or is cut short (see {@link
 * UploadFormat}), so that a crash mid-append never leaves a torn block counted as whole.
 */
final class UploadRecovery {
  private static final Logger log = System.getLogger(UploadRecovery.class.getName());

  private UploadRecovery() {}

  /**
   * The upload in {@code file}, checked; empty when the file is deleted (expired, or its header
   * damaged) or is a committed shard, installed into {@code shards} here.
   */
  static Optional<DiskResumableShards.Upload> recover(Path file, DiskShardStore shards,
      InstantSource clock) throws IOException {
    String name = file.getFileName().toString();
    if (!DiskResumableShards.NAME.matcher(name).matches()) {
      log.log(WARNING, () -> "ignored a file not named as an upload: " + file);
      return Optional.empty();
    }
    Optional<ShardId> committed;
    try (FileChannel channel = FileChannel.open(file, READ, WRITE)) {
      ByteBuffer slot = ByteBuffer.allocate(ShardFormat.HEADER);
      while (slot.hasRemaining() && channel.read(slot, slot.position()) >= 0) {
        // reads until the slot is in or the file ends
      }
      slot.flip();
      if (UploadFormat.isUpload(slot)) {
        return recoverUpload(name, file, channel, slot, clock);
      }
      committed = committedShard(slot, channel.size());
    }
    if (committed.isPresent()) {
      // The server stopped between a commit's forced header and its rename: finish the commit.
      shards.install(committed.get(), file);
      log.log(INFO, () -> "installed shard " + committed.get() + " committed from " + file);
    } else {
      Files.delete(file);
      log.log(WARNING, () -> "deleted " + file + ": neither an upload nor a committed shard");
    }
    return Optional.empty();
  }

  private static Optional<DiskResumableShards.Upload> recoverUpload(String name, Path file,
      FileChannel channel, ByteBuffer slot, InstantSource clock) throws IOException {
    UploadFormat.Header header;
    try {
      header = UploadFormat.readHeader(slot);
    } catch (IllegalArgumentException e) {
      // Torn as it was written, which was never acknowledged: its creation, or a re-declared
      // size (UploadResize), forces the header before answering.
      channel.close();
      Files.delete(file);
      log.log(WARNING, () -> "deleted upload " + name + ": " + e.getMessage());
      return Optional.empty();
    }
    if (clock.instant().isAfter(header.expires())) {
      channel.close();
      Files.delete(file);
      log.log(INFO, () -> "deleted upload " + name + ", expired at " + header.expires());
      return Optional.empty();
    }
    ShardLayout layout = header.layout();
    long size = channel.size();
    long checked = Math.min(UploadFormat.readCount(slot), layout.blockCount());
    if (UploadFormat.end(layout, checked) > size) {
      checked = 0; // a count the file does not bear out
    }
    long blocks = wholeBlocks(channel, layout, checked, size);
    long end = UploadFormat.end(layout, blocks);
    if (size > end) {
      channel.truncate(end);
      channel.force(true);
      log.log(INFO, () -> "upload " + name + " lost a torn tail of " + (size - end) + " bytes");
    }
    return Optional.of(
        new DiskResumableShards.Upload(name, file, layout, header.expires(), blocks));
  }

  /** How many blocks are whole from block {@code checked} on: each is read and checked. */
  private static long wholeBlocks(FileChannel channel, ShardLayout layout, long checked,
      long size) throws IOException {
    ByteBuffer record = ByteBuffer.allocate(
        (int) Math.min(layout.chunkSize(), layout.shardLength()) + ShardFormat.CRC_BYTES);
    long b = checked;
    while (b < layout.blockCount() && UploadFormat.end(layout, b + 1) <= size) {
      int length = layout.blockLength(b);
      record.clear().limit(length + ShardFormat.CRC_BYTES);
      long position = ShardFormat.blockPosition(layout, b);
      while (record.hasRemaining() && channel.read(record, position + record.position()) >= 0) {
        // reads the record, which the size says is all there
      }
      if (record.getInt(length) != ShardRecords.crc(record.array(), 0, length, b)) {
        break;
      }
      b++;
    }
    return b;
  }

  /** The shard whose header and length {@code slot} and {@code size} are, if they are one's. */
  private static Optional<ShardId> committedShard(ByteBuffer slot, long size) {
    try {
      ShardFormat.Header header = ShardFormat.readHeader(slot);
      return size == ShardFormat.fileLength(header.layout()) ? Optional.of(header.id())
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

}
