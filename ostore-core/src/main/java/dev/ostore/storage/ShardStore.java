package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import dev.ostore.erasure.Striping;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The shards a data server holds, one file each under {@code root/shards/<first 2 hex>/}, and
 * indexed in memory so that {@link #held} answers a locate request without touching the disk.
 * A shard arrives through a {@link ShardUpload} (a temporary file in {@code root/temp/}, renamed
 * into place once durable) and is read through a {@link ShardFile}, which checks every block it
 * serves. Shards that fail a check go to {@code root/corrupt/}. Thread-safe; closing deletes the
 * uploads still open and is idempotent.
 *
 * <pre>{@code
 * try (ShardUpload upload = store.create(index, striping)) {
 *   upload.append(block, 0, length); // for each block
 *   upload.commit(hash, objectSize);
 * }
 * }</pre>
 */
public interface ShardStore extends AutoCloseable {
  /**
   * Opens the shards under {@code root}, creating the directories it needs and deleting the
   * temporary files of uploads a previous run left; at most {@code maxUploads} are open at once.
   */
  static ShardStore onDisk(Path root, int maxUploads) throws IOException {
    return DiskShardStore.open(root, maxUploads);
  }

  /**
   * Starts writing shard {@code index} of content cut as {@code striping} says; {@code BUSY}
   * ({@link dev.ostore.OstoreException} with {@link dev.ostore.ErrorCode#BUSY}) while {@code
   * maxUploads} are open.
   */
  ShardUpload create(int index, Striping striping) throws IOException;

  /**
   * The shard, opened for reading; empty when it is not here. A shard whose header or length
   * shows it damaged is quarantined and is a {@link CorruptShardException}.
   */
  Optional<ShardFile> open(ShardId id) throws IOException;

  /** Indexes of {@code hash}'s shards held here (for locate), from memory, sorted. */
  List<Integer> held(ContentHash hash);

  /** Deletes the shard; true when there was one. */
  boolean delete(ShardId id) throws IOException;

  /** Moves a shard that failed its checksum to {@code root/corrupt/} and drops it from the index. */
  void quarantine(ShardId id) throws IOException;

  /** Up to {@code limit} shard ids after {@code after} (exclusive, empty = from the start), in order. */
  List<ShardId> list(Optional<ShardId> after, int limit);

  /** Deletes every upload still open; the store takes no new one. Idempotent. */
  @Override
  void close();
}
