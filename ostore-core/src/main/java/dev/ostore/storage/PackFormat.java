package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.zip.CRC32C;

/**
 * The records of a pack ({@link ShardPacks}), back to back. Each has a fixed header of {@value
 * #HEADER} bytes: the magic {@code OSPK}, its kind, the shard's content SHA-256 and index, a time
 * in milliseconds, a target (pack number and offset), the length and CRC32C of what follows, and
 * the CRC32C of the header's first {@value #HEADER} - 4 bytes. A {@link Kind#STORE} is followed
 * by the shard's file, in the format of {@link ShardFormat}; the other kinds by nothing.
 *
 * <p>A touch or a drop names the store record it applies to by its place, its target, not by
 * the shard alone: so a record means the same whatever is replayed before or after it, and a
 * compaction may copy records forward in any order without undoing a later store of the shard.
 */
final class PackFormat {
  static final int HEADER = 73;
  private static final int MAGIC = 0x4f53504b; // "OSPK"

  /** What a record says. */
  enum Kind {
    /** The shard is stored here, written at the record's time. */
    STORE,
    /** The shard stored at the target was written again, at the record's time. */
    TOUCH,
    /** The shard stored at the target is gone from the packs. */
    DROP
  }

  /** Where a store record starts: in which pack, and how far into it. */
  record Location(int pack, long offset) {
    static final Location NONE = new Location(0, 0);
  }

  /** A record's header, read back. */
  record Header(Kind kind, ShardId id, Instant time, Location target, int length, int crc) {}

  private PackFormat() {}

  /**
   * Writes the header of a record into the first {@value #HEADER} bytes of {@code record}, which
   * holds the record's payload after them.
   */
  static void putHeader(ByteBuffer record, Kind kind, ShardId id, Instant time,
      Location target) {
    int length = record.limit() - HEADER;
    ByteBuffer header = record.duplicate().position(0).limit(HEADER);
    header.putInt(MAGIC).put((byte) kind.ordinal()).put(id.hash().bytes()).putInt(id.index())
        .putLong(time.toEpochMilli()).putInt(target.pack()).putLong(target.offset())
        .putInt(length).putInt(crc(record.duplicate().position(HEADER)));
    header.putInt(crc(header.duplicate().flip()));
  }

  /** A record of {@code kind} with no payload. */
  static ByteBuffer bare(Kind kind, ShardId id, Instant time, Location target) {
    ByteBuffer record = ByteBuffer.allocate(HEADER);
    putHeader(record, kind, id, time, target);
    return record;
  }

  /**
   * Reads the header at {@code bytes}' position; one that is damaged or not a pack's is an
   * IllegalArgumentException saying why.
   */
  static Header readHeader(ByteBuffer bytes) {
    ByteBuffer in = bytes.slice(bytes.position(), HEADER);
    if (in.getInt(HEADER - 4) != crc(in.duplicate().limit(HEADER - 4))) {
      throw new IllegalArgumentException("a record header fails its checksum");
    }
    if (in.getInt() != MAGIC) {
      throw new IllegalArgumentException("not a pack record");
    }
    int kind = in.get();
    if (kind < 0 || kind >= Kind.values().length) {
      throw new IllegalArgumentException("unknown record kind " + kind);
    }
    byte[] hash = new byte[32];
    in.get(hash);
    ShardId id = new ShardId(ContentHash.of(hash), in.getInt());
    Instant time = Instant.ofEpochMilli(in.getLong());
    Location target = new Location(in.getInt(), in.getLong());
    return new Header(Kind.values()[kind], id, time, target, in.getInt(), in.getInt());
  }

  /** The CRC32C of {@code bytes} from position to limit. */
  static int crc(ByteBuffer bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes.duplicate());
    return (int) crc.getValue();
  }
}
