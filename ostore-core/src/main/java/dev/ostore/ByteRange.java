package dev.ostore;

/**
 * The bytes {@code [from, to)} of an object: what a ranged read returns. An HTTP range's last
 * byte is {@code to - 1}.
 */
public record ByteRange(long from, long to) {
  public ByteRange {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("not a range of bytes: [" + from + ", " + to + ")");
    }
  }

  /** All {@code size} bytes of an object. */
  public static ByteRange all(long size) {
    return new ByteRange(0, size);
  }

  public long length() {
    return to - from;
  }

  /** Whether this is all of an object of {@code size} bytes. */
  public boolean isAll(long size) {
    return from == 0 && to == size;
  }

  /** Whether this lies within an object of {@code size} bytes. */
  public boolean within(long size) {
    return to <= size;
  }

  @Override
  public String toString() {
    return length() == 0 ? "no bytes at " + from : "bytes " + from + "-" + (to - 1);
  }
}
