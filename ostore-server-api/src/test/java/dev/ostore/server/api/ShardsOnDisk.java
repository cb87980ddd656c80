package dev.ostore.server.api;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import dev.ostore.storage.ShardStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shards that data servers hold on disk, in files of their own or in packs alike, as {@link
 * ShardStore#inspect} reads them beside the running servers.
 */
final class ShardsOnDisk {
  /** A shard found on disk: the data server's root, the shard, and where its bytes lie. */
  record Found(Path dataRoot, ShardId id, ShardStore.Placed placed) {}

  private ShardsOnDisk() {}

  /** The shards of {@code hash} on the data servers whose roots are {@code root/data-<i>}. */
  static List<Found> of(Path root, ContentHash hash) throws IOException {
    return all(root).stream().filter(found -> found.id().hash().equals(hash)).toList();
  }

  /** Every shard on the data servers whose roots are {@code root/data-<i>}. */
  static List<Found> all(Path root) throws IOException {
    List<Found> found = new ArrayList<>();
    try (Stream<Path> roots = Files.list(root)) {
      for (Path data : roots.filter(p -> p.getFileName().toString().startsWith("data-"))
          .sorted().toList()) {
        ShardStore.inspect(data).forEach((id, placed) -> found.add(new Found(data, id, placed)));
      }
    }
    return found;
  }

  /** Flips a bit of the byte {@code at} bytes into the shard, as a disk's decay would. */
  static void flipByte(ShardStore.Placed placed, long at) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(placed.file().toFile(), "rw")) {
      file.seek(placed.offset() + at);
      int b = file.read();
      file.seek(placed.offset() + at);
      file.write(b ^ 0x01);
    }
  }
}
