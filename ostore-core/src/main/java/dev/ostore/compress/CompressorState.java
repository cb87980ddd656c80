package dev.ostore.compress;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where a {@link CompressingStream} stands after the bytes written to it, in a form that can be
 * kept (a resumable upload keeps it in its row) and taken up again by {@link
 * CompressingStream#resume}, on another api server too, so that the stored stream goes on exactly
 * as if it had never stopped: the gzip level, the rule's count of bytes tried and saved, whether
 * the probe decided yet and how, the index of the blocks written, and the original bytes it holds
 * that are not written yet (the probe until it decides, then less than a block). Immutable.
 */
public final class CompressorState {
  private static final int FORMAT = 1;
  private static final byte UNDECIDED = 0;
  private static final byte COMPRESSED = 1;
  private static final byte AS_IT_CAME = 2;

  final int codec;
  final int level;
  final int probeBytes;
  /** Empty until the probe decided; then whether the content is stored compressed. */
  final Optional<Boolean> compressed;
  final long tried;
  final long saved;
  final long storedSize;
  final long gzipSize;
  /** One {@link BlockIndex} entry per block written. */
  private final long[] index;
  private final byte[] pending;

  CompressorState(int codec, int level, int probeBytes, Optional<Boolean> compressed,
      long tried, long saved, long storedSize, long gzipSize, long[] index, byte[] pending) {
    checkArgument(level >= 1 && level <= 9, "a gzip level is 1 to 9: %s", level);
    checkArgument(probeBytes > 0 && probeBytes % BlockIndex.BLOCK_SIZE == 0,
        "the probe (%s bytes) must be whole blocks", probeBytes);
    checkArgument(tried >= 0 && saved >= 0 && storedSize >= 0 && gzipSize >= 0,
        "negative counts: tried %s, saved %s, stored %s, gzip %s", tried, saved, storedSize,
        gzipSize);
    checkArgument(compressed.orElse(false) || index.length == 0,
        "only content stored compressed has an index");
    if (compressed.isEmpty()) {
      checkArgument(storedSize == 0 && pending.length <= probeBytes,
          "%s bytes stored and %s held before the probe decided", storedSize, pending.length);
    } else {
      checkArgument(pending.length < (compressed.get() ? BlockIndex.BLOCK_SIZE : 1),
          "%s bytes held after the probe decided", pending.length);
    }
    this.codec = codec;
    this.level = level;
    this.probeBytes = probeBytes;
    this.compressed = compressed;
    this.tried = tried;
    this.saved = saved;
    this.storedSize = storedSize;
    this.gzipSize = gzipSize;
    this.index = index;
    this.pending = pending;
  }

  /** The state of a stream that has taken no byte yet, compressing as {@code compression} says. */
  public static CompressorState start(Compression compression) {
    checkArgument(compression.enabled(), "compression is off");
    return new CompressorState(GzipBlockCodec.ID, compression.level(),
        ObjectCompressor.DEFAULT_PROBE_BYTES, Optional.empty(), 0, 0, 0,
        GzipAssembler.FRAMING, new long[0], new byte[0]);
  }

  /** The original bytes taken: those written to the stored stream's blocks, and those held. */
  public long original() {
    if (compressed.orElse(false)) {
      return index.length * (long) BlockIndex.BLOCK_SIZE + pending.length;
    }
    return storedSize + pending.length;
  }

  /** The bytes of the stored stream written so far. */
  public long stored() {
    return storedSize;
  }

  /**
   * Reads the {@link #stored()} bytes written so far from {@code stored} and writes the original
   * bytes they came from to {@code original}, then those held: all {@link #original()} of them.
   * Compressed segments are checked against their CRC-32 as they are decoded.
   */
  public void decode(InputStream stored, OutputStream original) throws IOException {
    if (compressed.orElse(false) && index.length > 0) {
      long blocks = index.length * (long) BlockIndex.BLOCK_SIZE;
      try (SegmentStream segments = SegmentStream.decoding(BlockIndex.of(index), codec, blocks,
          0, blocks, original)) {
        copy(stored, segments);
        segments.finish();
      }
    } else {
      copy(stored, original);
    }
    original.write(pending);
  }

  private void copy(InputStream from, OutputStream to) throws IOException {
    byte[] buffer = new byte[BlockIndex.BLOCK_SIZE];
    for (long left = storedSize; left > 0; ) {
      int n = from.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new CorruptBlockException("the stored stream ends " + left + " bytes short of the "
            + storedSize + " written");
      }
      to.write(buffer, 0, n);
      left -= n;
    }
  }

  /** The index entries, not to be changed: a stream resumed from this state copies them. */
  long[] index() {
    return index;
  }

  /** The original bytes held, not to be changed: a stream resumed from this state copies them. */
  byte[] pending() {
    return pending;
  }

  /** The state as bytes, for {@link #parse}. */
  public byte[] bytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 8 * index.length
        + pending.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeInt(codec);
      out.writeInt(level);
      out.writeInt(probeBytes);
      out.writeByte(compressed.isEmpty() ? UNDECIDED : compressed.get() ? COMPRESSED
          : AS_IT_CAME);
      for (long count : new long[] {tried, saved, storedSize, gzipSize}) {
        out.writeLong(count);
      }
      out.writeInt(index.length);
      for (long entry : index) {
        out.writeLong(entry);
      }
      out.writeInt(pending.length);
      out.write(pending);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory
    }
    return bytes.toByteArray();
  }

  /** Reads what {@link #bytes} wrote; anything else is an IllegalArgumentException. */
  public static CompressorState parse(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readInt();
      checkArgument(format == FORMAT, "unknown compressor state format %s", format);
      int codec = in.readInt();
      int level = in.readInt();
      int probeBytes = in.readInt();
      byte decision = in.readByte();
      checkArgument(decision >= UNDECIDED && decision <= AS_IT_CAME, "unknown decision %s",
          decision);
      long tried = in.readLong();
      long saved = in.readLong();
      long storedSize = in.readLong();
      long gzipSize = in.readLong();
      long[] index = new long[length(in, bytes.length / Long.BYTES)];
      for (int i = 0; i < index.length; i++) {
        index[i] = in.readLong();
      }
      byte[] pending = in.readNBytes(length(in, bytes.length));
      checkArgument(in.read() < 0, "bytes after the compressor state");
      return new CompressorState(codec, level, probeBytes, decision == UNDECIDED
          ? Optional.empty() : Optional.of(decision == COMPRESSED), tried, saved, storedSize,
          gzipSize, index, pending);
    } catch (IOException e) {
      throw new IllegalArgumentException("a compressor state cut short", e);
    }
  }

  private static int length(DataInputStream in, int most) throws IOException {
    int length = in.readInt();
    checkArgument(length >= 0 && length <= most, "a length of %s in %s bytes", length, most);
    return length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CompressorState that && Arrays.equals(bytes(), that.bytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes());
  }

  @Override
  public String toString() {
    return "compressor at " + original() + " original bytes, " + storedSize + " stored, "
        + (compressed.isEmpty() ? "probing" : compressed.get() ? "compressing" : "as they came");
  }
}
