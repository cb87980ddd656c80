package dev.ostore.compress;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Takes an object's original bytes and writes its stored stream to another stream: the 64 KiB
 * blocks' segments, compressed as {@link ObjectCompressor} decides, then their {@link
 * BlockIndex}. The first {@code probeBytes} are held until they decide: content not worth
 * compressing is written exactly as it came, and every later byte passes straight through, so
 * that it costs a copy of the probe and nothing more. {@link #finish} ends the stream and tells
 * which it was. Holds the probe twice (as it came and compressed); not thread-safe; the stream
 * it writes to is not closed.
 *
 * <pre>{@code
 * try (CompressingStream in = CompressingStream.to(stored, Compression.DEFAULT, length)) {
 *   body.transferTo(in);
 *   Optional<CompressedForm> form = in.finish(); // empty: stored as it came
 * }
 * }</pre>
 */
public final class CompressingStream extends OutputStream {
  private static final int BLOCK = BlockIndex.BLOCK_SIZE;

  private final OutputStream stored;
  private final BlockCodec codec;
  private final int level;
  private final ObjectCompressor rule;
  /** Original bytes not written yet: the probe until it decided, then at most one block. */
  private final byte[] pending;
  private int pendingLength;
  private final byte[] segments;
  /** Null until the probe decided; then whether the content is stored compressed. */
  private Boolean compressed;
  private long[] index;
  private int blocks;
  private long storedSize;
  private long gzipSize;
  private boolean finished;

  private CompressingStream(OutputStream stored, CompressorState state, int held) {
    this.stored = requireNonNull(stored, "stored");
    checkArgument(state.codec == GzipBlockCodec.ID, "no compressing codec has id %s",
        state.codec);
    this.codec = BlockCodec.gzip(state.level);
    this.level = state.level;
    this.rule = ObjectCompressor.resume(codec, state.probeBytes, state.tried, state.saved);
    this.compressed = state.compressed.orElse(null);
    long[] index = state.index();
    this.index = Arrays.copyOf(index, Math.max(16, index.length));
    this.blocks = index.length;
    this.storedSize = state.storedSize;
    this.gzipSize = state.gzipSize;
    byte[] pending = state.pending();
    checkArgument(pending.length <= held, "%s bytes held, room for %s", pending.length, held);
    this.pending = Arrays.copyOf(pending, held);
    this.pendingLength = pending.length;
    this.segments = new byte[held];
  }

  /**
   * A stream writing to {@code stored} the content of {@code length} bytes, if known, judged on
   * the default probe, the first stripe; it holds no more than the content (in whole blocks
   * once it has more than one), so that a small content costs small buffers.
   */
  public static CompressingStream to(OutputStream stored, Compression compression,
      OptionalLong length) {
    return resume(stored, CompressorState.start(compression), length);
  }

  /**
   * A stream that goes on from {@code state}, writing to {@code stored} the rest of the stored
   * stream of content of {@code length} bytes, if known: what it writes is what the stream that
   * left {@code state} would have written next.
   */
  public static CompressingStream resume(OutputStream stored, CompressorState state,
      OptionalLong length) {
    long declared = length.orElse(state.probeBytes);
    long held = declared < BLOCK ? Math.max(1, declared)
        : Math.min(state.probeBytes, (declared + BLOCK - 1) / BLOCK * BLOCK);
    return new CompressingStream(stored, state, (int) held);
  }

  /** Where this stream stands now, for {@link #resume}. */
  public CompressorState state() {
    checkState(!finished, "finished already");
    return new CompressorState(codec.id(), level, rule.probeBytes(),
        Optional.ofNullable(compressed), rule.tried(), rule.saved(), storedSize, gzipSize,
        Arrays.copyOf(index, blocks), Arrays.copyOf(pending, pendingLength));
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    checkState(!finished, "finished already");
    while (len > 0) {
      if (compressed == null && pendingLength == pending.length) {
        // Held whole blocks can go on as blocks; a shorter buffer was all the content declared.
        checkState(pending.length % BLOCK == 0, "more than the %s bytes declared",
            pending.length);
        decide();
      }
      if (Boolean.FALSE.equals(compressed)) {
        emit(b, off, len);
        return;
      }
      int n = Math.min((compressed == null ? pending.length : BLOCK) - pendingLength, len);
      System.arraycopy(b, off, pending, pendingLength, n);
      pendingLength += n;
      off += n;
      len -= n;
      if (Boolean.TRUE.equals(compressed) && pendingLength == BLOCK) {
        writeBlock(BLOCK);
      }
    }
  }

  /**
   * Writes what is held and, for compressed content, the index; releases the codec. Empty when
   * the content was written as it came (so for empty content too).
   */
  public Optional<CompressedForm> finish() throws IOException {
    checkState(!finished, "finished already");
    if (compressed == null) {
      decide();
    } else if (compressed && pendingLength > 0) {
      writeBlock(pendingLength);
    }
    finished = true;
    close();
    if (!compressed) {
      return Optional.empty();
    }
    long indexAt = storedSize;
    if (blocks > 1) {
      byte[] entries = new byte[blocks * BlockIndex.ENTRY_BYTES];
      for (int i = 0; i < blocks; i++) {
        BlockIndex.write(index[i], entries, i * BlockIndex.ENTRY_BYTES);
      }
      emit(entries, 0, entries.length);
    }
    return Optional.of(new CompressedForm(codec.id(), storedSize, indexAt, gzipSize));
  }

  /** Releases the codec; what is held is dropped unless {@link #finish} wrote it. Idempotent. */
  @Override
  public void close() {
    codec.close();
  }

  /** The probe is in (or all the content, if shorter): compress it, or write it as it came. */
  private void decide() throws IOException {
    int[] lengths = new int[(pendingLength + BLOCK - 1) / BLOCK];
    int at = 0;
    for (int i = 0; i < lengths.length; i++) {
      int len = Math.min(BLOCK, pendingLength - i * BLOCK);
      lengths[i] = rule.compress(pending, i * BLOCK, len, segments, at);
      at += lengths[i] == BlockCodec.NOT_SMALLER ? 0 : lengths[i];
    }
    compressed = rule.worthIt();
    if (!compressed) {
      emit(pending, 0, pendingLength);
      pendingLength = 0;
      return;
    }
    at = 0;
    for (int i = 0; i < lengths.length; i++) {
      int len = Math.min(BLOCK, pendingLength - i * BLOCK);
      if (lengths[i] == BlockCodec.NOT_SMALLER) {
        segment(pending, i * BLOCK, len, true, len);
      } else {
        segment(segments, at, lengths[i], false, len);
        at += lengths[i];
      }
    }
    pendingLength = 0;
  }

  /** Compresses the block held, of {@code len} bytes, and writes its segment. */
  private void writeBlock(int len) throws IOException {
    int n = rule.compress(pending, 0, len, segments, 0);
    if (n == BlockCodec.NOT_SMALLER) {
      segment(pending, 0, len, true, len);
    } else {
      segment(segments, 0, n, false, len);
    }
    pendingLength = 0;
  }

  private void segment(byte[] b, int off, int len, boolean raw, int original) throws IOException {
    emit(b, off, len);
    if (blocks == index.length) {
      index = Arrays.copyOf(index, blocks * 2);
    }
    index[blocks++] = BlockIndex.entry(storedSize, raw);
    gzipSize += raw ? GzipAssembler.rawBlockSize(original)
        : GzipAssembler.compressedBlockSize(len);
  }

  private void emit(byte[] b, int off, int len) throws IOException {
    stored.write(b, off, len);
    storedSize += len;
  }
}
