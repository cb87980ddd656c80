package dev.ostore.compress;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The index that ends a compressed stored stream: for each 64 KiB block of the original bytes,
 * one unsigned 64-bit big-endian number, the end of the block's segment in the stored stream,
 * with the top bit set when the segment is the block as it is (a block the rule declined). A
 * block's segment starts where the one before it ends, the first at 0; so a range needs the
 * entries of its blocks and of the block before them, 16 bytes for a range within one block.
 * Content of a single block has no index: its one segment is compressed and ends at the index
 * position.
 */
public final class BlockIndex {
  /** The original bytes in a block: the shard block, and the unit of a range read. */
  public static final int BLOCK_SIZE = 64 * 1024;
  /** The bytes of one entry. */
  public static final int ENTRY_BYTES = Long.BYTES;

  private static final long RAW = 1L << 63;

  private final long first;
  private final long[] entries;

  private BlockIndex(long first, long[] entries) {
    this.first = first;
    this.entries = entries;
  }

  /** The number of blocks of content of {@code size} bytes. */
  public static long blocks(long size) {
    return (size + BLOCK_SIZE - 1) / BLOCK_SIZE;
  }

  /** The original length of block {@code block} of content of {@code size} bytes. */
  public static int blockLength(long size, long block) {
    return (int) Math.min(BLOCK_SIZE, size - block * BLOCK_SIZE);
  }

  /** Whether content of {@code size} bytes, stored compressed, has an index. */
  public static boolean indexed(long size) {
    return blocks(size) > 1;
  }

  /** The entry of a segment that ends at {@code end}, {@code raw} or compressed. */
  static long entry(long end, boolean raw) {
    return raw ? end | RAW : end;
  }

  /** Writes {@code entry} big-endian at {@code b[off]}. */
  static void write(long entry, byte[] b, int off) {
    for (int i = 0; i < ENTRY_BYTES; i++) {
      b[off + i] = (byte) (entry >>> (56 - 8 * i));
    }
  }

  /**
   * The entries of blocks {@code [first, first + n)}, read from {@code bytes} ({@code n}
   * entries); block {@code first - 1}'s entry, if read, is the first.
   */
  public static BlockIndex read(long first, byte[] bytes) {
    checkArgument(bytes.length % ENTRY_BYTES == 0, "an index has whole entries: %s bytes",
        bytes.length);
    long[] entries = new long[bytes.length / ENTRY_BYTES];
    for (int i = 0; i < entries.length; i++) {
      long entry = 0;
      for (int j = 0; j < ENTRY_BYTES; j++) {
        entry = entry << 8 | (bytes[i * ENTRY_BYTES + j] & 0xff);
      }
      entries[i] = entry;
    }
    return new BlockIndex(first, entries);
  }

  /** The index of blocks {@code [0, entries.length)}, from their entries. */
  static BlockIndex of(long[] entries) {
    return new BlockIndex(0, entries.clone());
  }

  /** The index of content of a single block: its compressed segment ends at {@code end}. */
  public static BlockIndex single(long end) {
    return new BlockIndex(0, new long[] {end});
  }

  /** Where block {@code block}'s segment starts: where the one before it ends, or 0. */
  public long start(long block) {
    return block == 0 ? 0 : end(block - 1);
  }

  /** Where block {@code block}'s segment ends. */
  public long end(long block) {
    return at(block) & ~RAW;
  }

  /** Whether block {@code block} is stored as it is. */
  public boolean raw(long block) {
    return (at(block) & RAW) != 0;
  }

  private long at(long block) {
    long i = block - first;
    checkArgument(i >= 0 && i < entries.length, "block %s is not in this part of the index",
        block);
    return entries[(int) i];
  }
}
