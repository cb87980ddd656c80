package dev.ostore.storage;

import dev.ostore.ShardId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The shards a collection took out of place ({@link ShardStore#hold}), kept under {@code
 * root/holding/} laid out as {@code root/shards/} until restored or deleted for good. When each
 * was held is its file's modification time, also known in memory so that a listing costs no disk
 * access. {@link DiskShardStore} takes the shard's directory lock around every change, as it does
 * for the shards in place, so a shard is never in place and being moved at once.
 */
final class HoldingArea {
  private final Path directory;
  private final NavigableMap<ShardId, Instant> held = new ConcurrentSkipListMap<>();

  private HoldingArea(Path directory) {
    this.directory = directory;
  }

  /** The held shards in {@code directory}, created when missing. */
  static HoldingArea open(Path directory) throws IOException {
    HoldingArea area = new HoldingArea(Files.createDirectories(directory));
    ShardPaths.scan(area.directory,
        (id, file) -> area.held.put(id, Files.getLastModifiedTime(file).toInstant()));
    return area;
  }

  int size() {
    return held.size();
  }

  /**
   * Moves {@code file}, shard {@code id}, here, held at {@code at}; a copy held earlier goes. The
   * time is set before the move: a crash between leaves the shard in place, looking written now,
   * which only keeps it longer. Not forced (see {@link DiskShardStore#hold}).
   */
  void take(ShardId id, Path file, FileTime at) throws IOException {
    Path target = ShardPaths.of(directory, id);
    Files.setLastModifiedTime(file, at);
    Files.deleteIfExists(target);
    ShardPaths.rename(file, target);
    held.put(id, at.toInstant());
  }

  /**
   * Moves held shard {@code id} to {@code target}, where no shard may be, as written at {@code
   * at}; false when none is held.
   */
  boolean putBack(ShardId id, Path target, FileTime at) throws IOException {
    if (!held.containsKey(id)) {
      return false;
    }
    Path file = ShardPaths.of(directory, id);
    try {
      Files.setLastModifiedTime(file, at);
      move(file, target);
    } catch (NoSuchFileException e) {
      held.remove(id); // deleted by hand: nothing to put back
      return false;
    }
    held.remove(id);
    return true;
  }

  /** Deletes held shard {@code id} for good; false when none is held. */
  boolean drop(ShardId id) throws IOException {
    if (held.remove(id) == null) {
      return false;
    }
    Path file = ShardPaths.of(directory, id);
    if (Files.deleteIfExists(file)) {
      DiskStorage.forceDirectory(file.getParent());
    }
    return true;
  }

  Optional<Instant> heldAt(ShardId id) {
    return Optional.ofNullable(held.get(id));
  }

  /** Up to {@code limit} held shards after {@code after} (all when empty), in order. */
  SortedMap<ShardId, Instant> list(Optional<ShardId> after, int limit) {
    Map<ShardId, Instant> rest = after.isPresent() ? held.tailMap(after.get(), false) : held;
    SortedMap<ShardId, Instant> page = new TreeMap<>();
    rest.entrySet().stream().limit(limit).forEach(e -> page.put(e.getKey(), e.getValue()));
    return page;
  }

  /** Moves a held shard back in place, its name in the holding area gone for good too. */
  private static void move(Path file, Path target) throws IOException {
    ShardPaths.move(file, target);
    DiskStorage.forceDirectory(file.getParent());
  }

  /** The shards held at or before {@code cutoff}. */
  List<ShardId> heldBy(Instant cutoff) {
    return held.entrySet().stream().filter(e -> !e.getValue().isAfter(cutoff))
        .map(Map.Entry::getKey).toList();
  }
}
