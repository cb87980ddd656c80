package dev.ostore.erasure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/** {@link ErasureStreams#decoder}: gets one stripe at a time from the source, rebuilds its missing
 * data chunks and serves its bytes. */
final class StripeDecoder extends InputStream {
  private final ErasureCode code;
  private final Striping striping;
  private final long objectSize;
  private final StripeSource source;
  private final long stripeCount;
  /** k data then m parity chunks, reused for every stripe; only as long as the longest chunk. */
  private final byte[][] chunks;
  private final boolean[] present;
  /** The next stripe to load; the one being served is next - 1. */
  private long next;
  private int stripeLength;
  private int chunkLength;
  /** Bytes of the current stripe already served. */
  private int position;
  private boolean closed;

  StripeDecoder(ErasureCode code, Striping striping, long objectSize, StripeSource source) {
    this.code = code;
    this.striping = striping;
    this.objectSize = objectSize;
    this.source = Objects.requireNonNull(source, "source");
    this.stripeCount = striping.stripeCount(objectSize);
    int longest = stripeCount == 0 ? 0 : striping.chunkLength(objectSize, 0);
    this.chunks = new byte[striping.totalShards()][longest];
    this.present = new boolean[striping.totalShards()];
  }

  @Override
  public int read() throws IOException {
    if (!ensureBytes()) {
      return -1;
    }
    int b = chunks[position / chunkLength][position % chunkLength] & 0xff;
    position++;
    return b;
  }

  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length == 0) {
      return 0;
    }
    int copied = 0;
    while (copied < length && ensureBytes()) {
      int at = position % chunkLength;
      int n = Math.min(length - copied, Math.min(chunkLength - at, stripeLength - position));
      System.arraycopy(chunks[position / chunkLength], at, bytes, offset + copied, n);
      position += n;
      copied += n;
    }
    return copied == 0 ? -1 : copied;
  }

  /** Writes the rest straight from the stripes' chunks, a chunk a write: no copy in between. */
  @Override
  public long transferTo(OutputStream out) throws IOException {
    long copied = 0;
    while (ensureBytes()) {
      int at = position % chunkLength;
      int n = Math.min(chunkLength - at, stripeLength - position);
      out.write(chunks[position / chunkLength], at, n);
      position += n;
      copied += n;
    }
    return copied;
  }

  /** Bytes of the loaded stripe not yet read: those come without asking the source. */
  @Override
  public int available() throws IOException {
    checkOpen();
    return stripeLength - position;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** True when a byte can be served, loading the next stripe if the current one is used up. */
  private boolean ensureBytes() throws IOException {
    checkOpen();
    if (position < stripeLength) {
      return true;
    }
    if (next == stripeCount) {
      return false;
    }
    load(next);
    next++;
    return true;
  }

  private void load(long stripe) throws IOException {
    int length = striping.chunkLength(objectSize, stripe);
    Arrays.fill(present, false);
    // Until the source has succeeded no byte of the old stripe may be served as the new one's.
    stripeLength = 0;
    position = 0;
    source.read(stripe, length, chunks, present);
    int filled = 0;
    for (boolean p : present) {
      filled += p ? 1 : 0;
    }
    if (filled < code.dataShards()) {
      throw new IOException("stripe " + stripe + ": source filled " + filled + " of "
          + code.totalShards() + " chunks, need " + code.dataShards());
    }
    code.reconstructData(chunks, present, 0, length);
    chunkLength = length;
    stripeLength = striping.stripeLength(objectSize, stripe);
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("stream is closed");
    }
  }
}
