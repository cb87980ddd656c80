package dev.ostore.metadata;

import static java.util.Objects.requireNonNull;

import dev.ostore.compress.CompressedForm;
import dev.ostore.erasure.Striping;
import java.util.Optional;

/**
 * A content's entry in the table of contents: its size (of its original bytes) and how it is
 * laid out: in shards, or inline, its stored bytes kept in the metadata store itself. The
 * layout's text is its striping ({@code 4+2/65536}) or {@value #INLINE}, for content stored
 * compressed followed by how ({@code 4+2/65536 codec=1 stored=N index=I gzip=G}, see {@link
 * CompressedForm}); rows of earlier releases have no such part and are stored as they came.
 */
public record ContentLayout(long size, String layout) {
  /** The text that stands for the striping of content kept in the metadata store. */
  public static final String INLINE = "inline";
  private static final String CODEC = "codec=";
  private static final String STORED = "stored=";
  private static final String INDEX = "index=";
  private static final String GZIP = "gzip=";

  public ContentLayout {
    requireNonNull(layout, "layout");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    compressed(layout); // rejects a text that is no layout
  }

  /** The entry of content of {@code size} bytes striped as {@code striping}, maybe compressed. */
  public static ContentLayout of(long size, Striping striping,
      Optional<CompressedForm> compressed) {
    return of(size, striping.toString(), compressed);
  }

  /**
   * The entry of content of {@code size} bytes kept in the metadata store, maybe compressed: its
   * stored stream is there whole, in no shard.
   */
  public static ContentLayout inline(long size, Optional<CompressedForm> compressed) {
    return of(size, INLINE, compressed);
  }

  private static ContentLayout of(long size, String placement,
      Optional<CompressedForm> compressed) {
    return new ContentLayout(size, placement + compressed.map(form -> " " + CODEC
        + form.codec() + " " + STORED + form.storedSize() + " " + INDEX + form.indexAt() + " "
        + GZIP + form.gzipSize()).orElse(""));
  }

  /** Whether the stored stream is kept in the metadata store, not in shards. */
  public boolean isInline() {
    return placement(layout).equals(INLINE);
  }

  /**
   * How the stored stream is cut into shards; an {@link IllegalStateException} for content kept
   * inline, which has none.
   */
  public Striping striping() {
    if (isInline()) {
      throw new IllegalStateException("content kept in the metadata store has no shards");
    }
    return Striping.parse(placement(layout));
  }

  private static String placement(String layout) {
    int space = layout.indexOf(' ');
    return space < 0 ? layout : layout.substring(0, space);
  }

  /** How the content is compressed; empty when it is stored as it came. */
  public Optional<CompressedForm> compressed() {
    return compressed(layout);
  }

  /** The bytes of the stored stream, which the shards hold: the size unless compressed. */
  public long storedSize() {
    return compressed().map(CompressedForm::storedSize).orElse(size);
  }

  private static Optional<CompressedForm> compressed(String layout) {
    String[] parts = layout.split(" ");
    if (!parts[0].equals(INLINE)) {
      Striping.parse(parts[0]);
    }
    if (parts.length == 1) {
      return Optional.empty();
    }
    if (parts.length != 5 || !parts[1].startsWith(CODEC) || !parts[2].startsWith(STORED)
        || !parts[3].startsWith(INDEX) || !parts[4].startsWith(GZIP)) {
      throw new IllegalArgumentException("not a layout: \"" + layout + "\"");
    }
    try {
      return Optional.of(new CompressedForm(Integer.parseInt(value(parts[1], CODEC)),
          Long.parseLong(value(parts[2], STORED)), Long.parseLong(value(parts[3], INDEX)),
          Long.parseLong(value(parts[4], GZIP))));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a layout: \"" + layout + "\": " + e.getMessage(),
          e);
    }
  }

  private static String value(String part, String key) {
    return part.substring(key.length());
  }
}
