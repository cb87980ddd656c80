package dev.ostore.storage;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * A shard's blocks as records: each block's bytes, then 4 bytes of CRC32C over those bytes and
 * the block's number (a big-endian {@code u64}). A shard file holds its blocks so after its
 * header, and a data server sends them so when asked, so that the reader can check every block
 * where it arrives (see docs/protocol.md).
 */
public final class ShardRecords {
  /** The bytes of a record's checksum. */
  public static final int CRC_BYTES = 4;

  private ShardRecords() {}

  /** The checksum of block {@code number}, whose bytes are {@code data[offset, offset+length)}. */
  public static int crc(byte[] data, int offset, int length, long number) {
    return crc(ByteBuffer.wrap(data), offset, length, number);
  }

  /**
   * The checksum of block {@code number}, whose bytes are {@code data}'s from index {@code
   * offset} for {@code length}: as {@link #crc(byte[], int, int, long)}, also for bytes outside
   * the heap. {@code data}'s position and limit are left as they were.
   */
  static int crc(ByteBuffer data, int offset, int length, long number) {
    CRC32C crc = new CRC32C();
    crc.update(data.duplicate().limit(offset + length).position(offset));
    crc.update(ByteBuffer.allocate(Long.BYTES).putLong(0, number));
    return (int) crc.getValue();
  }

  /** The bytes that blocks {@code [from, to)} of a shard of {@code layout} take as records. */
  public static long length(ShardLayout layout, long from, long to) {
    return layout.rangeLength(from, to) + (to - from) * CRC_BYTES;
  }

  /**
   * The blocks {@code [from, to)} of a shard of {@code layout}, read as records from {@code
   * records} and each checked before any of its bytes is returned: a block that fails its
   * checksum is a {@code DATA_SERVER_FAILED} naming {@code what}. A read of at least the rest of
   * a block goes straight into the caller's array (no copy). Closing it closes {@code records}.
   */
  public static InputStream checking(InputStream records, ShardLayout layout, long from, long to,
      Object what) {
    layout.rangeLength(from, to); // checks the range
    return new Checking(records, layout, from, to, what);
  }

  private static final class Checking extends InputStream {
    private final InputStream in;
    private final ShardLayout layout;
    private final long to;
    private final Object what;
    private final byte[] crc = new byte[CRC_BYTES];
    /** The block being served when only part of it was asked for; null until needed. */
    private byte[] held;
    private int heldLength;
    private int heldPosition;
    private long next;

    Checking(InputStream in, ShardLayout layout, long from, long to, Object what) {
      this.in = in;
      this.layout = layout;
      this.next = from;
      this.to = to;
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, bytes.length);
      if (length == 0) {
        return 0;
      }
      if (heldPosition < heldLength) {
        int n = Math.min(length, heldLength - heldPosition);
        System.arraycopy(held, heldPosition, bytes, offset, n);
        heldPosition += n;
        return n;
      }
      if (next == to) {
        return -1;
      }
      int blockLength = layout.blockLength(next);
      if (length >= blockLength) {
        readBlock(bytes, offset, blockLength);
        return blockLength;
      }
      if (held == null) {
        held = new byte[layout.blockLength(next)];
      }
      readBlock(held, 0, blockLength);
      heldLength = blockLength;
      heldPosition = 0;
      return read(bytes, offset, length);
    }

    private void readBlock(byte[] into, int offset, int length) throws IOException {
      readFully(into, offset, length);
      readFully(crc, 0, CRC_BYTES);
      if (ByteBuffer.wrap(crc).getInt() != crc(into, offset, length, next)) {
        throw new OstoreException(ErrorCode.DATA_SERVER_FAILED,
            "block " + next + " of " + what + " fails its CRC32C on arrival");
      }
      next++;
    }

    private void readFully(byte[] into, int offset, int length) throws IOException {
      if (in.readNBytes(into, offset, length) < length) {
        throw new EOFException("block " + next + " of " + what + " ends early");
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
