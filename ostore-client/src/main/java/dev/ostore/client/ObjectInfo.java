package dev.ostore.client;

import static java.util.Objects.requireNonNull;

/** What {@link OstoreClient#head} learns about an object without reading it: its size in bytes. */
public record ObjectInfo(String name, long size) {
  public ObjectInfo {
    requireNonNull(name, "name");
    if (size < 0) {
      throw new IllegalArgumentException("size (" + size + ") must not be negative");
    }
  }
}
