package dev.ostore.metadata;

import static java.util.Objects.requireNonNull;

import dev.ostore.ContentHash;

/** One row of the table of contents: a content and how it is laid out. */
public record ContentEntry(ContentHash hash, ContentLayout layout) {
  public ContentEntry {
    requireNonNull(hash, "hash");
    requireNonNull(layout, "layout");
  }
}
