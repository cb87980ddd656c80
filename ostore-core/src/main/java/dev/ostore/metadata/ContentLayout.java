package dev.ostore.metadata;

import static java.util.Objects.requireNonNull;

/** A content's entry in the table of contents: its size and how it is laid out in shards. */
public record ContentLayout(long size, String layout) {
  public ContentLayout {
    requireNonNull(layout, "layout");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
  }
}
