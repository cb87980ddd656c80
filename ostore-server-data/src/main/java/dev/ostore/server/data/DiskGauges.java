package dev.ostore.server.data;

import dev.ostore.metrics.Metrics;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The space of the file system holding a data server's storage root, read at each scrape. The
 * heartbeat carries only the room above the reserve ({@code MIN_FREE_SPACE}), so an api server
 * cannot show these: scrape each data server.
 */
final class DiskGauges {
  /** A read of the file system's space that may fail. */
  private interface Space {
    long of(FileStore store) throws IOException;
  }

  private DiskGauges() {}

  static void register(Metrics metrics, Path root) {
    metrics.gauge("ostore_storage_used_bytes",
        "Bytes used on the file system holding STORAGE_ROOT, by anything.",
        () -> read(root, store -> store.getTotalSpace() - store.getUnallocatedSpace()));
    metrics.gauge("ostore_storage_free_bytes",
        "Bytes this server may still write on the file system holding STORAGE_ROOT.",
        () -> read(root, FileStore::getUsableSpace));
  }

  /** NaN when the file system cannot tell: a gap in the graph rather than a made-up zero. */
  private static double read(Path root, Space space) {
    try {
      return space.of(Files.getFileStore(root));
    } catch (IOException e) {
      return Double.NaN;
    }
  }
}
