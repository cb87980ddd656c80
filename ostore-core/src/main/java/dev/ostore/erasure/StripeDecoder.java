package dev.ostore.erasure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@link ErasureStreams#decoder}: gets one stripe at a time from the source, rebuilds its missing
 * data chunks and serves its bytes, those of the window {@code [from, to)} only. It serves them
 * from the arrays the source lends where it can: a copy less of every byte of a big GET.
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
  /** k data then m parity arrays of its own, reused for every stripe; as long as the longest. */
  private final byte[][] own;
  /** The stripe's k data then m parity chunks: arrays of its own or lent by the source. */
  private final byte[][] chunks;
  /** Where each chunk starts in its array: 0 in one of its own. */
  private final int[] offsets;
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
    this.own = new byte[striping.totalShards()][longest];
    this.chunks = new byte[striping.totalShards()][];
    this.offsets = new int[striping.totalShards()];
    this.present = new boolean[striping.totalShards()];
    this.wanted = new boolean[striping.dataShards()];
  }

  @Override
  public int read() throws IOException {
    if (!ensureBytes()) {
      return -1;
    }
    int chunk = position / chunkLength;
    int b = chunks[chunk][offsets[chunk] + position % chunkLength] & 0xff;
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
      int chunk = position / chunkLength;
      System.arraycopy(chunks[chunk], offsets[chunk] + at, bytes, offset + copied, n);
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
      int chunk = position / chunkLength;
      out.write(chunks[chunk], offsets[chunk] + at, n);
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
    System.arraycopy(own, 0, chunks, 0, own.length);
    Arrays.fill(offsets, 0);
    source.lend(stripe, length, chunks, offsets, present, wanted);
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
      takeBackLent(length);
      code.reconstructData(chunks, present, 0, length);
    }
    chunkLength = length;
    position = first;
    servedEnd = last;
  }

  /** Copies the lent chunks into its own arrays: the code rebuilds from chunks at one offset. */
  private void takeBackLent(int length) {
    for (int i = 0; i < chunks.length; i++) {
      if (present[i] && chunks[i] != own[i]) {
        System.arraycopy(chunks[i], offsets[i], own[i], 0, length);
        chunks[i] = own[i];
        offsets[i] = 0;
      }
    }
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("stream is closed");
    }
  }
}
