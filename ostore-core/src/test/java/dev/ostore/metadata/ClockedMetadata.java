package dev.ostore.metadata;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Optional;

/** SQLite metadata that dates what it records by a test's clock, for tests of other packages. */
public final class ClockedMetadata {
  private ClockedMetadata() {}

  /** A store in the SQLite database {@code file}, on {@code clock}. */
  public static MetadataStore sqlite(Path file, InstantSource clock) throws IOException {
    return SqlMetadataStore.open(JdbcUrls.sqlite(file.toAbsolutePath()), Optional.empty(),
        clock);
  }
}
