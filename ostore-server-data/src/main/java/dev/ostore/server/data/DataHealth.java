package dev.ostore.server.data;

import dev.ostore.health.HealthCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A data server is ready when it can take content: a file can be created in its storage root
 * (not full, not read-only, still mounted). The file is empty and deleted at once.
 */
final class DataHealth implements HealthCheck {
  private final Path root;

  DataHealth(Path root) {
    this.root = root;
  }

  @Override
  public Optional<String> problem() {
    try {
      Files.delete(Files.createTempFile(root, ".health-", ".tmp"));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("the storage root " + root + " is not writable: " + e);
    }
  }
}
