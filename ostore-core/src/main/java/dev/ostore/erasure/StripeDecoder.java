package dev.ostore.erasure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@link ErasureStreams#decoder}: gets one stripe at a time from the source, rebuilds its missing
 * data chunks and serves its bytes, those of the window {@code [from, to)} only.
 */
final class StripeDecoder extends InputStream {
  private final ErasureCode code;
  private final Striping striping;
  private final long objectSize;
  private final StripeSource source;
  private final long from;
  private final long to;
  /** The stripe after the last one the window reaches. */
  private final long end;
  /** k data then m parity chunks, reused for every stripe; only as long as the longest chunk. */
  private final byte[][] chunks;
  private final boolean[] present;
  /** The data chunks of the stripe being loaded that hold bytes of the window. */
  private final boolean[] wanted;
  /** The next stripe to load; the one being served is next - 1. */
  private long next;
  /** Where in the current stripe the window's bytes end. */
  private int servedEnd;
  private int chunkLength;
  /** Where in the current stripe the next byte to serve is. */
  private int position;
  private boolean closed;

  StripeDecoder(ErasureCode code, Striping striping, long objectSize, StripeSource source,
      long from, long to) {
    this.code = code;
    this.striping = striping;
    this.objectSize = objectSize;
    this.source = Objects.requireNonNull(source, "source");
    this.from = from;
    this.to = to;
    this.next = striping.stripeOf(from);
    this.end = from == to ? next : striping.stripeOf(to - 1) + 1;
    int longest = next == end ? 0 : striping.chunkLength(objectSize, next);
    this.chunks = new byte[striping.totalShards()][longest];
    this.present = new boolean[striping.totalShards()];
    this.wanted = new boolean[striping.dataShards()];
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
      int n = Math.min(length - copied, Math.min(chunkLength - at, servedEnd - position));
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
      int n = Math.min(chunkLength - at, servedEnd - position);
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
    return servedEnd - position;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** True when a byte can be served, loading the next stripe if the current one is used up. */
  private boolean ensureBytes() throws IOException {
    checkOpen();
    if (position < servedEnd) {
      return true;
    }
    if (next == end) {
      return false;
    }
    load(next);
    next++;
    return true;
  }

  private void load(long stripe) throws IOException {
    int length = striping.chunkLength(objectSize, stripe);
    long start = striping.stripeStart(stripe);
    int first = (int) (Math.max(from, start) - start);
    int last = (int) (Math.min(to, start + striping.stripeLength(objectSize, stripe)) - start);
    Arrays.fill(present, false);
    Arrays.fill(wanted, false);
    striping.markDataChunks(objectSize, stripe, from, to, wanted);
    // Until the source has succeeded no byte of the old stripe may be served as the new one's.
    servedEnd = 0;
    position = 0;
    source.read(stripe, length, chunks, present, wanted);
    int filled = 0;
    boolean missingWanted = false;
    for (int i = 0; i < present.length; i++) {
      filled += present[i] ? 1 : 0;
      missingWanted |= i < wanted.length && wanted[i] && !present[i];
    }
    if (missingWanted) {
      if (filled < code.dataShards()) {
        throw new IOException("stripe " + stripe + ": source filled " + filled + " of "
            + code.totalShards() + " chunks, need " + code.dataShards());
      }
      code.reconstructData(chunks, present, 0, length);
    }
    chunkLength = length;
    position = first;
    servedEnd = last;
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("stream is closed");
    }
  }
}
