package dev.ostore.metadata;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing. {@code next} is an opaque cursor, present exactly when more versions
 * followed this page when it was read: pass it back as {@code after} to get the following page.
 * The cursor marks a place in the listing's order, not an offset, so following {@code next} until
 * it is empty yields every row once and in order, even while versions are being added: rows added
 * behind the place are not seen, rows added ahead of it are.
 */
public record Page(List<Version> versions, Optional<String> next) {
  public Page {
    versions = List.copyOf(requireNonNull(versions, "versions"));
    requireNonNull(next, "next");
    if (next.isPresent() && next.get().isEmpty()) {
      throw new IllegalArgumentException("cursor is empty");
    }
  }
}
