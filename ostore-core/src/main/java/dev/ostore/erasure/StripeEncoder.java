package dev.ostore.erasure;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/** {@link ErasureStreams#encoder}: fills the data chunks of one stripe, then encodes and hands it
 * on. */
final class StripeEncoder extends OutputStream {
  private final ErasureCode code;
  private final StripeSink sink;
  private final int dataShards;
  private final int chunkSize;
  private final long stripeSize;
  /** k data then m parity chunks of chunkSize, reused for every stripe or swapped by the sink. */
  private final byte[][] chunks;
  /** Bytes of the current stripe written so far, laid out chunkSize per data chunk. */
  private int filled;
  private long stripe;
  private boolean closed;
  private boolean failed;

  StripeEncoder(ErasureCode code, Striping striping, StripeSink sink) {
    this.code = code;
    this.sink = Objects.requireNonNull(sink, "sink");
    this.dataShards = striping.dataShards();
    this.chunkSize = striping.chunkSize();
    this.stripeSize = striping.stripeSize();
    this.chunks = new byte[striping.totalShards()][chunkSize];
  }

  @Override
  public void write(int b) throws IOException {
    checkWritable();
    chunks[filled / chunkSize][filled % chunkSize] = (byte) b;
    filled++;
    if (filled == stripeSize) {
      emit(chunkSize);
    }
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    checkWritable();
    while (length > 0) {
      int at = filled % chunkSize;
      int n = Math.min(length, chunkSize - at);
      System.arraycopy(bytes, offset, chunks[filled / chunkSize], at, n);
      filled += n;
      offset += n;
      length -= n;
      if (filled == stripeSize) {
        emit(chunkSize);
      }
    }
  }

  /** Hands on the last, short stripe; idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (failed) {
      throw new IOException("stripe sink failed earlier; the object is incomplete");
    }
    if (filled > 0) {
      emit(recutLastStripe());
    }
  }

  /**
   * Moves the r bytes of a short stripe from chunkSize-long chunks to k chunks of ceil(r/k), as
   * {@link Striping} cuts it, zero-padding the tail. Happens once per object, so a copy is fine.
   */
  private int recutLastStripe() {
    byte[] stripeBytes = new byte[filled];
    for (int at = 0; at < filled; at += chunkSize) {
      System.arraycopy(chunks[at / chunkSize], 0, stripeBytes, at, Math.min(chunkSize, filled - at));
    }
    int length = (filled + dataShards - 1) / dataShards;
    for (int i = 0; i < dataShards; i++) {
      int from = Math.min(filled, i * length);
      int n = Math.min(length, filled - from);
      System.arraycopy(stripeBytes, from, chunks[i], 0, n);
      Arrays.fill(chunks[i], n, length, (byte) 0);
    }
    return length;
  }

  private void emit(int length) throws IOException {
    code.encode(chunks, 0, length);
    try {
      sink.write(stripe, chunks, length);
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
    stripe++;
    filled = 0;
  }

  private void checkWritable() throws IOException {
    if (closed) {
      throw new IOException("stream is closed");
    }
    if (failed) {
      throw new IOException("stripe sink failed earlier; the object is incomplete");
    }
  }
}
