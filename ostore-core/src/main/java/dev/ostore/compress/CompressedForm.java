package dev.ostore.compress;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * How content stored compressed lies in its stored stream: the segments of its 64 KiB blocks
 * back to back, written by the codec {@code codec}, then from {@code indexAt} the index of the
 * blocks ({@link BlockIndex}), {@code storedSize} bytes in all; {@code gzipSize} is the length of
 * the one gzip member its segments make ({@link GzipAssembler}), so that it can be announced
 * before any of them is read.
 */
public record CompressedForm(int codec, long storedSize, long indexAt, long gzipSize) {
  public CompressedForm {
    checkArgument(codec > 0, "a codec id is positive: %s", codec);
    checkArgument(indexAt > 0 && indexAt <= storedSize,
        "the index (at %s) must lie within the %s stored bytes", indexAt, storedSize);
    checkArgument(gzipSize > 0, "a gzip body has bytes: %s", gzipSize);
  }
}
