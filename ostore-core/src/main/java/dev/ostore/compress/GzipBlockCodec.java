package dev.ostore.compress;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkPositionIndexes;
import static com.google.common.base.Preconditions.checkState;

import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A block is a raw deflate segment that ends in a full flush (byte-aligned, no reference to
 * earlier data, not final), then the CRC-32 of the original bytes, little-endian. The flush is
 * what lets {@link GzipAssembler} put blocks one after another inside a single gzip member (pigz
 * builds its parallel output the same way); the CRC lets it compute the member's trailer without
 * decompressing, and lets {@link #decompress} catch a block that inflates to the wrong bytes.
 */
final class GzipBlockCodec implements BlockCodec {
  static final int ID = 1;
  static final int CRC_BYTES = 4;

  private final int level;
  /** Made on first use: each holds native memory, and most content stored is never deflated. */
  private Deflater deflater;
  private Inflater inflater;
  private final CRC32 crc = new CRC32();
  private final byte[] spare = new byte[1];
  private boolean closed;

  GzipBlockCodec(int level) {
    checkArgument(level >= 1 && level <= 9, "gzip level (%s) must be 1 to 9", level);
    this.level = level;
  }

  @Override
  public int id() {
    return ID;
  }

  @Override
  public String name() {
    return "gzip";
  }

  @Override
  public int compress(byte[] src, int srcOff, int len, byte[] dst, int dstOff, int limit) {
    checkPositionIndexes(srcOff, srcOff + len, src.length);
    checkPositionIndexes(dstOff, dstOff + Math.max(limit, 0), dst.length);
    checkState(!closed, "gzip codec is closed");
    int room = limit - CRC_BYTES;
    if (room <= 0) {
      return NOT_SMALLER;
    }
    Deflater deflater = deflater();
    deflater.reset();
    deflater.setInput(src, srcOff, len);
    // With FULL_FLUSH, filling the whole room means the segment may not be complete: give up.
    // That is also how compression of incompressible data stops at the limit.
    int n = deflater.deflate(dst, dstOff, room, Deflater.FULL_FLUSH);
    if (n == room || !deflater.needsInput()) {
      return NOT_SMALLER;
    }
    writeIntLe(dst, dstOff + n, crc32(src, srcOff, len));
    return n + CRC_BYTES;
  }

  @Override
  public void decompress(byte[] src, int srcOff, int len, byte[] dst, int dstOff,
      int originalLength) throws CorruptBlockException {
    checkPositionIndexes(srcOff, srcOff + len, src.length);
    checkPositionIndexes(dstOff, dstOff + originalLength, dst.length);
    checkState(!closed, "gzip codec is closed");
    if (len <= CRC_BYTES) {
      throw corrupt(len, originalLength, "too short to be one");
    }
    Inflater inflater = inflater();
    inflater.reset();
    inflater.setInput(src, srcOff, len - CRC_BYTES);
    try {
      int n = inflate(inflater, dst, dstOff, originalLength);
      if (n < originalLength) {
        throw corrupt(len, originalLength, "it ends after " + n + " bytes");
      }
      // The segment's last bytes (the flush marker) produce nothing: consume them, and catch a
      // segment that would go on past the original length.
      if (inflater.getRemaining() > 0 && inflater.inflate(spare) > 0) {
        throw corrupt(len, originalLength, "it decodes to more bytes");
      }
    } catch (DataFormatException e) {
      throw new CorruptBlockException(message(len, originalLength, e.getMessage()), e);
    }
    if (inflater.getRemaining() > 0 || inflater.finished() || inflater.needsDictionary()) {
      throw corrupt(len, originalLength, "it is not one flushed deflate segment");
    }
    int stored = readIntLe(src, srcOff + len - CRC_BYTES);
    int actual = crc32(dst, dstOff, originalLength);
    if (stored != actual) {
      throw corrupt(len, originalLength, String.format(
          "CRC-32 %08x stored, %08x decoded", stored, actual));
    }
  }

  private static int inflate(Inflater inflater, byte[] dst, int dstOff, int len)
      throws DataFormatException {
    int n = 0;
    while (n < len) {
      int got = inflater.inflate(dst, dstOff + n, len - n);
      if (got == 0 && (inflater.needsInput() || inflater.finished()
          || inflater.needsDictionary())) {
        break;
      }
      n += got;
    }
    return n;
  }

  int crc32(byte[] b, int off, int len) {
    crc.reset();
    crc.update(b, off, len);
    return (int) crc.getValue();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (deflater != null) {
        deflater.end();
      }
      if (inflater != null) {
        inflater.end();
      }
    }
  }

  private Deflater deflater() {
    if (deflater == null) {
      deflater = new Deflater(level, true);
    }
    return deflater;
  }

  private Inflater inflater() {
    if (inflater == null) {
      inflater = new Inflater(true);
    }
    return inflater;
  }

  @Override
  public String toString() {
    return "gzip-" + level;
  }

  private static CorruptBlockException corrupt(int len, int originalLength, String why) {
    return new CorruptBlockException(message(len, originalLength, why));
  }

  private static String message(int len, int originalLength, String why) {
    return "gzip block of " + len + " bytes for " + originalLength + " is corrupt: " + why;
  }

  static void writeIntLe(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) (v >>> 16);
    b[off + 3] = (byte) (v >>> 24);
  }

  static int readIntLe(byte[] b, int off) {
    return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16
        | (b[off + 3] & 0xff) << 24;
  }
}
