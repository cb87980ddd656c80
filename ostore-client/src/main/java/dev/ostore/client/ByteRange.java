package dev.ostore.client;

/**
 * Some bytes of an object, to read with {@link OstoreClient#open(String, ByteRange)}: {@code
 * length} bytes from {@code offset} ({@link #of}), all from {@code offset} on ({@link #from}),
 * or the last {@code length} ({@link #last}). A range that reaches past the end of the object
 * stops at its end; one that starts past it is an {@link OstoreClientException} of status 416.
 */
public final class ByteRange {
  private static final long TO_END = -1;

  /** Where the range starts, or -1 for the last {@link #length} bytes. */
  private final long offset;
  /** How many bytes, or -1 for all from {@code offset} on. */
  private final long length;

  private ByteRange(long offset, long length) {
    this.offset = offset;
    this.length = length;
  }

  /** {@code length} bytes (at least 1) from {@code offset} on. */
  public static ByteRange of(long offset, long length) {
    checkNotNegative(offset, "offset");
    if (length < 1) {
      throw new IllegalArgumentException("length (" + length + ") must be at least 1");
    }
    return new ByteRange(offset, length);
  }

  /** Every byte from {@code offset} to the end. */
  public static ByteRange from(long offset) {
    checkNotNegative(offset, "offset");
    return new ByteRange(offset, TO_END);
  }

  /** The last {@code length} bytes (at least 1), or the whole object when it is shorter. */
  public static ByteRange last(long length) {
    if (length < 1) {
      throw new IllegalArgumentException("length (" + length + ") must be at least 1");
    }
    return new ByteRange(TO_END, length);
  }

  /** The {@code Range} header that asks for it. */
  String header() {
    if (offset == TO_END) {
      return "bytes=-" + length;
    }
    return "bytes=" + offset + "-" + (length == TO_END ? "" : Long.toString(offset + length - 1));
  }

  /** Where it starts in an object of {@code size} bytes. */
  long startIn(long size) {
    return offset == TO_END ? Math.max(0, size - length) : Math.min(offset, size);
  }

  /** How many of its bytes an object of {@code size} bytes holds. */
  long lengthIn(long size) {
    long start = startIn(size);
    return offset == TO_END || length == TO_END ? size - start : Math.min(length, size - start);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ByteRange range && range.offset == offset && range.length == length;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(offset) * 31 + Long.hashCode(length);
  }

  @Override
  public String toString() {
    return header();
  }

  private static void checkNotNegative(long value, String what) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " (" + value + ") must not be negative");
    }
  }
}
