package dev.ostore.erasure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an object is cut: stripes of k chunks of chunkSize bytes; the last stripe of r bytes is cut
 * into k chunks of ceil(r/k) bytes each, zero-padded at the end (as klauspost's Split does for one
 * stripe, so when r < k several trailing chunks are all padding). Every shard of an object thus
 * has the same length, and shard i of an object is chunk i of each stripe in turn.
 *
 * <p>Its text form, {@code "4+2/65536"}, is what a stored layout records.
 */
public record Striping(int dataShards, int parityShards, int chunkSize) {
  private static final Pattern TEXT = Pattern.compile("(\\d{1,3})\\+(\\d{1,3})/(\\d{1,10})");

  /** Validates k >= 1, m >= 0, k + m <= 255, chunkSize >= 1 and k * chunkSize < 2^31. */
  public Striping {
    if (dataShards < 1 || parityShards < 0 || dataShards + parityShards > 255) {
      throw new IllegalArgumentException("need 1 <= k, 0 <= m, k + m <= 255; got k="
          + dataShards + ", m=" + parityShards);
    }
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be at least 1, got " + chunkSize);
    }
    // A stripe is held in memory and its length is an int.
    if ((long) dataShards * chunkSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a stripe of " + dataShards + " chunks of " + chunkSize
          + " bytes exceeds 2^31 - 1 bytes");
    }
  }

  /** Reads {@code "<k>+<m>/<chunkSize>"}, such as {@code "4+2/65536"}. */
  public static Striping parse(String text) {
    Matcher matcher = TEXT.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("striping must look like 4+2/65536, got \"" + text + "\"");
    }
    long chunkSize = Long.parseLong(matcher.group(3));
    if (chunkSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("chunk size too large in \"" + text + "\"");
    }
    return new Striping(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
        (int) chunkSize);
  }

  @Override
  public String toString() {
    return dataShards + "+" + parityShards + "/" + chunkSize;
  }

  public int totalShards() {
    return dataShards + parityShards;
  }

  /** Object bytes in a full stripe: k * chunkSize. */
  public long stripeSize() {
    return (long) dataShards * chunkSize;
  }

  /** Stripes of an object of that size: 0 for an empty object. */
  public long stripeCount(long objectSize) {
    checkSize(objectSize);
    return (objectSize + stripeSize() - 1) / stripeSize();
  }

  /** Length of every chunk (data and parity) of that stripe: chunkSize but in a short last one. */
  public int chunkLength(long objectSize, long stripe) {
    int bytes = stripeLength(objectSize, stripe);
    return (bytes + dataShards - 1) / dataShards;
  }

  /** Object offset where the stripe starts. */
  public long stripeStart(long stripe) {
    if (stripe < 0) {
      throw new IllegalArgumentException("negative stripe " + stripe);
    }
    return Math.multiplyExact(stripe, stripeSize());
  }

  /** The stripe that holds the object's byte at {@code offset}. */
  public long stripeOf(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset);
    }
    return offset / stripeSize();
  }

  /**
   * Sets {@code wanted[i]} for each data chunk {@code i} of that stripe that holds any of the
   * object's bytes {@code [from, to)}; leaves the others as they are.
   */
  public void markDataChunks(long objectSize, long stripe, long from, long to,
      boolean[] wanted) {
    long start = stripeStart(stripe);
    long first = Math.max(from, start) - start;
    long end = Math.min(to, start + stripeLength(objectSize, stripe)) - start;
    int length = chunkLength(objectSize, stripe);
    for (int i = 0; i < dataShards; i++) {
      wanted[i] |= (long) i * length < end && (long) (i + 1) * length > first;
    }
  }

  /** Object bytes in that stripe: stripeSize() but in a short last one. */
  public int stripeLength(long objectSize, long stripe) {
    long count = stripeCount(objectSize);
    if (stripe < 0 || stripe >= count) {
      throw new IllegalArgumentException(
          "stripe " + stripe + " out of range: " + objectSize + " bytes have " + count);
    }
    return (int) Math.min(stripeSize(), objectSize - stripeStart(stripe));
  }

  /** Bytes in each shard of an object of that size: the sum of its stripes' chunk lengths. */
  public long shardLength(long objectSize) {
    checkSize(objectSize);
    long fullStripes = objectSize / stripeSize();
    long rest = objectSize % stripeSize();
    return fullStripes * chunkSize + (rest + dataShards - 1) / dataShards;
  }

  private static void checkSize(long objectSize) {
    if (objectSize < 0) {
      throw new IllegalArgumentException("negative object size " + objectSize);
    }
  }
}
