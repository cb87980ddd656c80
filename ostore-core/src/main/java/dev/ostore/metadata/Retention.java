package dev.ostore.metadata;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What one page of {@link MetadataStore#applyRetention} did: how many versions it {@code removed},
 * and the {@code last} name it looked at, from which the next page goes on; empty when the names
 * are over.
 */
public record Retention(long removed, Optional<String> last) {
  public Retention {
    requireNonNull(last, "last");
    if (removed < 0) {
      throw new IllegalArgumentException("negative count of versions removed: " + removed);
    }
  }
}
