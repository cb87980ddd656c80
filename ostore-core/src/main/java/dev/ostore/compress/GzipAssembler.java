package dev.ostore.compress;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkPositionIndexes;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;

/**
 * Writes a {@code Content-Encoding: gzip} body as one gzip member made of stored blocks, without
 * compressing anything: blocks that {@link BlockCodec#gzip} compressed are sent as they are, raw
 * blocks are wrapped in deflate's "stored" blocks (5 bytes per 64 KiB). One member, not one per
 * block, because many clients read only the first member of a gzip body (browsers, OkHttp, curl,
 * httpx). Not thread-safe; it does not close the stream it writes to.
 *
 * <pre>{@code
 * GzipAssembler gzip = GzipAssembler.to(response);
 * gzip.compressedBlock(stored, 0, storedLength, originalLength); // or rawBlock(...)
 * gzip.finish();
 * }</pre>
 */
public final class GzipAssembler {
  /** Magic, deflate, no flags, no time, no extra flags, OS unknown (RFC 1952). */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final int MAX_STORED = 0xffff;
  private static final int STORED_HEADER = 5;
  private static final int TRAILER = 8;
  /** The bytes of a member that are no block's: header, final empty block, trailer. */
  static final int FRAMING = HEADER.length + STORED_HEADER + TRAILER;

  private final OutputStream out;
  private final CRC32 rawCrc = new CRC32();
  private final byte[] scratch = new byte[8];
  private boolean started;
  private boolean finished;
  private int crc;
  private long size;

  private GzipAssembler(OutputStream out) {
    this.out = requireNonNull(out, "out");
  }

  /** An assembler writing to {@code out}; the gzip header goes out with the first write. */
  public static GzipAssembler to(OutputStream out) {
    return new GzipAssembler(out);
  }

  /**
   * Writes a block that {@link BlockCodec#gzip} compressed from {@code originalLength} bytes.
   * Its CRC is trusted here: the client checks the member's trailer, made from it.
   */
  public void compressedBlock(byte[] block, int off, int len, int originalLength)
      throws IOException {
    checkPositionIndexes(off, off + len, block.length);
    checkArgument(len > GzipBlockCodec.CRC_BYTES, "a gzip block has more than %s bytes, not %s",
        GzipBlockCodec.CRC_BYTES, len);
    checkArgument(originalLength >= 0, "originalLength (%s) is negative", originalLength);
    start();
    int segment = len - GzipBlockCodec.CRC_BYTES;
    out.write(block, off, segment);
    add(GzipBlockCodec.readIntLe(block, off + segment), originalLength);
  }

  /** Writes a block stored as it is, wrapped in stored deflate blocks. */
  public void rawBlock(byte[] block, int off, int len) throws IOException {
    checkPositionIndexes(off, off + len, block.length);
    start();
    for (int at = off, end = off + len; at < end; at += MAX_STORED) {
      storedHeader(false, Math.min(MAX_STORED, end - at));
      out.write(block, at, Math.min(MAX_STORED, end - at));
    }
    rawCrc.reset();
    rawCrc.update(block, off, len);
    add((int) rawCrc.getValue(), len);
  }

  /** The bytes {@link #compressedBlock} writes for a block of {@code len} bytes. */
  static int compressedBlockSize(int len) {
    return len - GzipBlockCodec.CRC_BYTES;
  }

  /** The bytes {@link #rawBlock} writes for a block of {@code len} bytes. */
  static long rawBlockSize(int len) {
    return len + (long) STORED_HEADER * ((len + MAX_STORED - 1) / MAX_STORED);
  }

  /** Ends the member: a final empty block, then the CRC-32 and length of all the blocks. */
  public void finish() throws IOException {
    start();
    finished = true;
    storedHeader(true, 0);
    GzipBlockCodec.writeIntLe(scratch, 0, crc);
    GzipBlockCodec.writeIntLe(scratch, 4, (int) size);
    out.write(scratch, 0, TRAILER);
  }

  private void start() throws IOException {
    checkState(!finished, "gzip body already finished");
    if (!started) {
      started = true;
      out.write(HEADER);
    }
  }

  private void add(int blockCrc, long blockLength) {
    crc = Crc32Combine.combine(crc, blockCrc, blockLength);
    size += blockLength;
  }

  /** A stored block's header; the stream is byte-aligned after every block this class writes. */
  private void storedHeader(boolean last, int len) throws IOException {
    scratch[0] = (byte) (last ? 1 : 0);
    scratch[1] = (byte) len;
    scratch[2] = (byte) (len >>> 8);
    scratch[3] = (byte) ~len;
    scratch[4] = (byte) (~len >>> 8);
    out.write(scratch, 0, STORED_HEADER);
  }
}
