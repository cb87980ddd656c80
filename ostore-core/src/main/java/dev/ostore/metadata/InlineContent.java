package dev.ostore.metadata;

import static java.util.Objects.requireNonNull;

/**
 * Small content as the metadata store keeps it, in no shard: its layout ({@link
 * ContentLayout#isInline inline}, maybe compressed) and its stored bytes, as many as the layout's
 * stored size. Equality is that of the array: compare {@link #stored()} by its contents.
 */
public record InlineContent(ContentLayout layout, byte[] stored) {
  public InlineContent {
    requireNonNull(layout, "layout");
    requireNonNull(stored, "stored");
    if (!layout.isInline()) {
      throw new IllegalArgumentException("not an inline layout: " + layout.layout());
    }
    if (stored.length != layout.storedSize()) {
      throw new IllegalArgumentException(stored.length + " stored bytes for a layout of "
          + layout.storedSize());
    }
  }
}
