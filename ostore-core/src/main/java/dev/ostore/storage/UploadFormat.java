package dev.ostore.storage;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.zip.CRC32C;

/**
 * The bytes of a resumable shard upload's file, {@code uploads/<name>}: a shard file in the
 * making. Its records lie where {@link ShardFormat} puts a shard's, after a slot of {@value
 * ShardFormat#HEADER} bytes, so that a commit only writes the shard's header over the slot. While
 * the upload is in progress the slot holds, big-endian:
 *
 * <pre>
 *  0  magic "OSUP", format version, k, m, chunk size (u32 each), object size (u64),
 *     expiry (u64 epoch seconds), CRC32C of those 36 bytes      written at creation, and
 *                                                             again to re-declare the size
 * 40  blocks checked (u64), CRC32C of those 8 bytes            rewritten after each force
 * 52  zeros to 68
 * </pre>
 *
 * <p>The count of blocks checked is a lower bound of the whole blocks on disk: it is raised only
 * once they were forced, and lowered (and forced) before a truncation. So after a crash only the
 * blocks past it need checking, each against its CRC32C, and the first that fails (a torn block,
 * or bytes the disk never got) ends the upload. A count that fails its own checksum counts 0.
 */
final class UploadFormat {
  /** Where the count of blocks checked starts. */
  static final int COUNT_AT = 40;
  private static final int FIXED = 36;
  private static final int COUNT = 8;
  private static final int CRC_BYTES = ShardFormat.CRC_BYTES;
  private static final int MAGIC = 0x4f535550; // "OSUP"
  private static final int VERSION = 1;

  /** What a valid header says. */
  record Header(ShardLayout layout, Instant expires) {}

  private UploadFormat() {}

  /** The whole slot of a new upload, which has checked no block yet. */
  static ByteBuffer header(ShardLayout layout, Instant expires) {
    ByteBuffer slot = ByteBuffer.allocate(ShardFormat.HEADER);
    slot.put(fixed(layout, expires)).put(count(0));
    return slot.clear();
  }

  /** The bytes to write at 0, before {@link #COUNT_AT}: the layout and expiry, checksummed. */
  static ByteBuffer fixed(ShardLayout layout, Instant expires) {
    ByteBuffer fixed = ByteBuffer.allocate(COUNT_AT);
    fixed.putInt(MAGIC).putInt(VERSION).putInt(layout.dataShards())
        .putInt(layout.parityShards()).putInt(layout.chunkSize()).putLong(layout.objectSize())
        .putLong(expires.getEpochSecond());
    fixed.putInt(crc(fixed.array(), 0, FIXED));
    return fixed.flip();
  }

  /** The bytes to write at {@link #COUNT_AT}: {@code blocks} checked, with their checksum. */
  static ByteBuffer count(long blocks) {
    ByteBuffer count = ByteBuffer.allocate(COUNT + CRC_BYTES).putLong(blocks);
    count.putInt(crc(count.array(), 0, COUNT));
    return count.flip();
  }

  /** Whether {@code slot} starts as an upload's does, valid or not. */
  static boolean isUpload(ByteBuffer slot) {
    return slot.remaining() >= Integer.BYTES && slot.getInt(slot.position()) == MAGIC;
  }

  /** Reads a header; one damaged or not an upload's is an IllegalArgumentException saying why. */
  static Header readHeader(ByteBuffer slot) {
    ByteBuffer in = slot.slice();
    if (in.remaining() < ShardFormat.HEADER) {
      throw new IllegalArgumentException("the header is cut short");
    }
    if (in.getInt(0) != MAGIC) {
      throw new IllegalArgumentException("not a resumable upload");
    }
    byte[] bytes = new byte[FIXED];
    in.get(0, bytes);
    if (in.getInt(FIXED) != crc(bytes, 0, FIXED)) {
      throw new IllegalArgumentException("the header fails its checksum");
    }
    int version = in.getInt(4);
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown format version " + version);
    }
    return new Header(new ShardLayout(in.getInt(8), in.getInt(12), in.getInt(16),
        in.getLong(20)), Instant.ofEpochSecond(in.getLong(28)));
  }

  /** The blocks checked that {@code slot} records; 0 when the count fails its checksum. */
  static long readCount(ByteBuffer slot) {
    ByteBuffer in = slot.slice();
    byte[] bytes = new byte[COUNT];
    in.get(COUNT_AT, bytes);
    long count = in.getLong(COUNT_AT);
    return in.getInt(COUNT_AT + COUNT) == crc(bytes, 0, COUNT) && count >= 0 ? count : 0;
  }

  /** Where the records of {@code blocks} blocks end: the length of a file holding just them. */
  static long end(ShardLayout layout, long blocks) {
    return ShardFormat.HEADER + ShardRecords.length(layout, 0, blocks);
  }

  private static int crc(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    return (int) crc.getValue();
  }
}
