package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import dev.ostore.erasure.Striping;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The shards a data server holds, one file each under {@code root/shards/<first 2 hex>/}, but
 * for small ones, kept back to back in a few files under {@code root/packs/} and forced together
 * as they come; all indexed in memory so that {@link #held} answers a locate request without
 * touching the disk.
 * A shard arrives through a {@link ShardUpload} (a temporary file in {@code root/temp/}, renamed
 * into place once durable) and is read through a {@link ShardFile}, which checks every block it
 * serves. Shards that fail a check go to {@code root/corrupt/}. Shards may also arrive over
 * several requests, as {@link #resumable} uploads kept in {@code root/uploads/}. Each shard
 * records when it was last written (stored, or kept when stored again), so that a collection
 * can {@link #hold} only shards written before it began: a held shard waits in {@code
 * root/holding/}, out of the index, until {@link #restore}d or, after the hold period, deleted
 * for good by {@link #purgeHeld}. Thread-safe; closing deletes the uploads still open (not the
 * resumable ones) and is idempotent.
 *
 * <pre>{@code
 * try (ShardUpload upload = store.create(index, striping)) {
 *   upload.append(block, 0, length); // for each block
 *   upload.commit(hash, objectSize);
 * }
 * }</pre>
 */
public interface ShardStore extends AutoCloseable {
  /** How long a held shard is kept by default before it is deleted for good: a week. */
  Duration DEFAULT_HOLD_FOR = Duration.ofDays(7);

  /**
   * Opens the shards under {@code root}, creating the directories it needs and deleting the
   * temporary files of uploads a previous run left; at most {@code maxUploads} are open at once.
   */
  static ShardStore onDisk(Path root, int maxUploads) throws IOException {
    return onDisk(root, maxUploads, InstantSource.system());
  }

  /**
   * As {@link #onDisk(Path, int)}, resumable uploads expiring by {@code clock}: those expired
   * are deleted as the store opens, and at most {@code maxUploads} are appended to at once.
   */
  static ShardStore onDisk(Path root, int maxUploads, InstantSource clock) throws IOException {
    return onDisk(root, maxUploads, clock, DEFAULT_HOLD_FOR);
  }

  /**
   * As {@link #onDisk(Path, int, InstantSource)}, held shards kept for {@code holdFor}: those
   * held longer are deleted as the store opens, and by each {@link #purgeHeld}.
   */
  static ShardStore onDisk(Path root, int maxUploads, InstantSource clock, Duration holdFor)
      throws IOException {
    return onDisk(root, maxUploads, clock, holdFor, true);
  }

  /**
   * As {@link #onDisk(Path, int, InstantSource, Duration)}; {@code directIo} false keeps every
   * shard's bytes in the page cache, where true (the default) writes big shards past their first
   * MiB, and reads long runs of blocks, straight to and from the disk where the file system
   * takes it.
   */
  static ShardStore onDisk(Path root, int maxUploads, InstantSource clock, Duration holdFor,
      boolean directIo) throws IOException {
    return onDisk(root, maxUploads, clock, holdFor, directIo, DiskRoom.of(root, 0, clock));
  }

  /**
   * As {@link #onDisk(Path, int, InstantSource, Duration, boolean)}; new shards and resumable
   * appends are refused ({@code INSUFFICIENT_STORAGE}) while {@code room} has none left.
   */
  static ShardStore onDisk(Path root, int maxUploads, InstantSource clock, Duration holdFor,
      boolean directIo, DiskRoom room) throws IOException {
    return DiskShardStore.open(root, maxUploads, clock, holdFor, directIo, room);
  }

  /**
   * Starts writing shard {@code index} of content cut as {@code striping} says; {@code BUSY}
   * ({@link dev.ostore.OstoreException} with {@link dev.ostore.ErrorCode#BUSY}) while {@code
   * maxUploads} are open, {@code INSUFFICIENT_STORAGE} while the disk has no room ({@link
   * DiskRoom}).
   */
  ShardUpload create(int index, Striping striping) throws IOException;

  /** The resumable shard uploads, which commit into this store. */
  ResumableShards resumable();

  /**
   * The shard, opened for reading; empty when it is not here. A shard whose header or length
   * shows it damaged is quarantined and is a {@link CorruptShardException}.
   */
  Optional<ShardFile> open(ShardId id) throws IOException;

  /**
   * Where a shard lies on disk: {@code length} bytes of {@code file} from {@code offset}, in the
   * format of a shard's own file. For an operator, or a test, to look at or damage.
   */
  record Placed(Path file, long offset, long length) {}

  /** Where shard {@code id} lies on disk; empty when it is not here. */
  Optional<Placed> whereIs(ShardId id) throws IOException;

  /**
   * Where every shard in place under {@code root} lies, read without opening a store there:
   * nothing is changed, so it may run beside a data server on that root, for a look at what it
   * holds (it may miss a shard being stored meanwhile).
   */
  static SortedMap<ShardId, Placed> inspect(Path root) throws IOException {
    return DiskShardStore.inspect(root);
  }

  /** Indexes of {@code hash}'s shards held here (for locate), from memory, sorted. */
  List<Integer> held(ContentHash hash);

  /** Deletes the shard; true when there was one. */
  boolean delete(ShardId id) throws IOException;

  /**
   * Moves a shard that failed its checksum to {@code root/corrupt/} and drops it from the index.
   */
  void quarantine(ShardId id) throws IOException;

  /**
   * Up to {@code limit} shard ids after {@code after} (exclusive, empty = from the start), in
   * order.
   */
  List<ShardId> list(Optional<ShardId> after, int limit);

  /** A shard as {@link #listed} gives it: its layout and when it was last written. */
  record Listed(ShardId id, ShardLayout layout, Instant written) {}

  /**
   * As {@link #list}, each with its layout and written time; a shard's layout is read from its
   * file once, then kept in memory until the shard is stored, held or removed.
   */
  List<Listed> listed(Optional<ShardId> after, int limit) throws IOException;

  /** What {@link #hold} did with a shard, or {@link ContentStore#hold} with content. */
  enum Hold {
    /** It is held now. */
    HELD,
    /** It is not here. */
    ABSENT,
    /** It was written at or after the time given, so it stays in place. */
    WRITTEN_SINCE
  }

  /**
   * Moves shards {@code ids} to the holding area and out of the index, except those written at or
   * after {@code writtenBefore}: decided for each under the lock that stores take, so that a
   * store racing a collection keeps its shard. A copy held already is replaced. Answers what it
   * did with each id, in the order given; an id given twice is answered once, as it was the first
   * time. The holds are not forced: a crash may put a held shard back in place.
   */
  Map<ShardId, Hold> hold(List<ShardId> ids, Instant writtenBefore) throws IOException;

  /**
   * Up to {@code limit} held shards after {@code after} (exclusive, empty = from the start), in
   * order, each with when it was held.
   */
  SortedMap<ShardId, Instant> listHeld(Optional<ShardId> after, int limit);

  /**
   * Puts held shard {@code id} back in place and in the index, as written now; when the shard
   * was stored again meanwhile, drops the held copy instead. False when none is held.
   */
  boolean restore(ShardId id) throws IOException;

  /** Deletes for good, logging each, the shards held longer than the hold period; how many. */
  int purgeHeld() throws IOException;

  /** Deletes every upload still open; the store takes no new one. Idempotent. */
  @Override
  void close();
}
