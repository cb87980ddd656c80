package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The bytes of a shard file. A fixed header of {@value #HEADER} bytes: the magic {@code OSSH}, the
 * format version, the content's SHA-256, the shard index, {@code k}, {@code m}, the chunk size,
 * the object size (all big-endian) and the CRC32C of those 64 bytes. Then one record per block
 * ({@link ShardRecords}): the block's bytes and 4 bytes of CRC32C over them and the block's
 * number.
 *
 * <p>Each checksum sits right after its block, not in a table at the end: an upload writes the
 * file front to back holding one block, block {@code b} starts at a position computed from
 * {@code b} alone (a range read seeks once), and one read brings a block with its checksum.
 * Counting the block number in stops a block that landed in the wrong place from passing.
 */
final class ShardFormat {
  static final int HEADER = 68;
  static final int CRC_BYTES = ShardRecords.CRC_BYTES;
  private static final int MAGIC = 0x4f535348; // "OSSH"
  private static final int VERSION = 1;

  /** What a valid header says. */
  record Header(ShardId id, ShardLayout layout) {}

  private ShardFormat() {}

  static ByteBuffer header(ShardId id, ShardLayout layout) {
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    header.putInt(MAGIC).putInt(VERSION).put(id.hash().bytes()).putInt(id.index())
        .putInt(layout.dataShards()).putInt(layout.parityShards()).putInt(layout.chunkSize())
        .putLong(layout.objectSize());
    header.putInt(crc(header.array(), 0, HEADER - CRC_BYTES));
    return header.flip();
  }

  /** Reads a header; one that is damaged or not ours is an IllegalArgumentException saying why. */
  static Header readHeader(ByteBuffer header) {
    if (header.remaining() < HEADER) {
      throw new IllegalArgumentException("the header is cut short");
    }
    byte[] bytes = new byte[HEADER];
    header.get(bytes);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (in.getInt() != MAGIC) {
      throw new IllegalArgumentException("not a shard file");
    }
    if (in.getInt(HEADER - CRC_BYTES) != crc(bytes, 0, HEADER - CRC_BYTES)) {
      throw new IllegalArgumentException("the header fails its checksum");
    }
    int version = in.getInt();
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown format version " + version);
    }
    byte[] hash = new byte[32];
    in.get(hash);
    ShardId id = new ShardId(ContentHash.of(hash), in.getInt());
    ShardLayout layout = new ShardLayout(in.getInt(), in.getInt(), in.getInt(), in.getLong());
    return new Header(id, layout);
  }

  /** Where block {@code b}'s record starts. */
  static long blockPosition(ShardLayout layout, long b) {
    return HEADER + b * ((long) layout.chunkSize() + CRC_BYTES);
  }

  /** The length of the whole file of a shard with this layout. */
  static long fileLength(ShardLayout layout) {
    return HEADER + layout.shardLength() + layout.blockCount() * CRC_BYTES;
  }

  private static int crc(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    return (int) crc.getValue();
  }
}
