package dev.ostore.storage;

import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
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
 * What a collection took out of place, kept in a directory of its own until restored or deleted
 * for good: the shards ({@link ShardStore#hold}) under {@code root/holding/}, laid out as {@code
 * root/shards/}, and content stored whole ({@link ContentStore#hold}) under {@code
 * root/holding-objects/}, named by hash as in {@code root/objects/}. When each was held is its
 * file's modification time, also known in memory so that a listing costs no disk access. The
 * store takes its lock of the key around every change, as it does for what is in place, so a
 * key is never in place and being moved at once.
 */
final class HoldingArea<K extends Comparable<K>> {
  /** Where the file of each key lies in a holding directory. */
  private interface Layout<K> {
    Path of(Path directory, K key);

    /** Calls {@code found} with each held file in {@code directory}; logs anything else. */
    void scan(Path directory, Found<K> found) throws IOException;
  }

  /** What a scan does with each held file it finds. */
  private interface Found<K> {
    void accept(K key, Path file) throws IOException;
  }

  private static final System.Logger log = System.getLogger(HoldingArea.class.getName());
  private static final Layout<ShardId> SHARDS = new Layout<>() {
    @Override
    public Path of(Path directory, ShardId id) {
      return ShardPaths.of(directory, id);
    }

    @Override
    public void scan(Path directory, Found<ShardId> found) throws IOException {
      ShardPaths.scan(directory, found::accept);
    }
  };
  private static final Layout<ContentHash> WHOLE = new Layout<>() {
    @Override
    public Path of(Path directory, ContentHash hash) {
      return directory.resolve(hash.hex());
    }

    @Override
    public void scan(Path directory, Found<ContentHash> found) throws IOException {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
        for (Path file : files) {
          Optional<ContentHash> hash = hashNaming(file.getFileName().toString());
          if (hash.isPresent()) {
            found.accept(hash.get(), file);
          } else {
            log.log(WARNING, () -> "ignored a file not named by a hash in hex: " + file);
          }
        }
      }
    }
  };

  private final Path directory;
  private final Layout<K> layout;
  private final NavigableMap<K, Instant> held = new ConcurrentSkipListMap<>();

  private HoldingArea(Path directory, Layout<K> layout) {
    this.directory = directory;
    this.layout = layout;
  }

  /** The held shards in {@code directory}, created when missing. */
  static HoldingArea<ShardId> ofShards(Path directory) throws IOException {
    return open(directory, SHARDS);
  }

  /** The content held whole in {@code directory}, created when missing. */
  static HoldingArea<ContentHash> ofWhole(Path directory) throws IOException {
    return open(directory, WHOLE);
  }

  private static <K extends Comparable<K>> HoldingArea<K> open(Path directory, Layout<K> layout)
      throws IOException {
    HoldingArea<K> area = new HoldingArea<>(Files.createDirectories(directory), layout);
    layout.scan(area.directory,
        (key, file) -> area.held.put(key, Files.getLastModifiedTime(file).toInstant()));
    return area;
  }

  /** The hash {@code name} is in lowercase hex, the one form a held file is named in. */
  private static Optional<ContentHash> hashNaming(String name) {
    try {
      ContentHash hash = ContentHash.parse(name);
      return hash.hex().equals(name) ? Optional.of(hash) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  int size() {
    return held.size();
  }

  /**
   * Moves {@code file}, the one of {@code key}, here, held at {@code at}; a copy held earlier
   * goes. The time is set before the move: a crash between leaves the file in place, looking
   * written now, which only keeps it longer. Not forced (see {@link DiskShardStore#hold}).
   */
  void take(K key, Path file, FileTime at) throws IOException {
    Path target = layout.of(directory, key);
    Files.setLastModifiedTime(file, at);
    Files.deleteIfExists(target);
    ShardPaths.rename(file, target);
    held.put(key, at.toInstant());
  }

  /** Forces the directory of the file held under {@code key}: its {@link #take} is durable. */
  void forceHeld(K key) throws IOException {
    DiskStorage.forceDirectory(layout.of(directory, key).getParent());
  }

  /**
   * Moves the file held under {@code key} to {@code target}, where no file may be, as written at
   * {@code at}, durably; false when none is held.
   */
  boolean putBack(K key, Path target, FileTime at) throws IOException {
    if (!held.containsKey(key)) {
      return false;
    }
    Path file = layout.of(directory, key);
    try {
      Files.setLastModifiedTime(file, at);
      move(file, target);
    } catch (NoSuchFileException e) {
      held.remove(key); // deleted by hand: nothing to put back
      return false;
    }
    held.remove(key);
    return true;
  }

  /** Deletes the file held under {@code key} for good; false when none is held. */
  boolean drop(K key) throws IOException {
    if (held.remove(key) == null) {
      return false;
    }
    Path file = layout.of(directory, key);
    if (Files.deleteIfExists(file)) {
      DiskStorage.forceDirectory(file.getParent());
    }
    return true;
  }

  Optional<Instant> heldAt(K key) {
    return Optional.ofNullable(held.get(key));
  }

  /** Up to {@code limit} held keys after {@code after} (all when empty), in order. */
  SortedMap<K, Instant> list(Optional<K> after, int limit) {
    Map<K, Instant> rest = after.isPresent() ? held.tailMap(after.get(), false) : held;
    SortedMap<K, Instant> page = new TreeMap<>();
    rest.entrySet().stream().limit(limit).forEach(e -> page.put(e.getKey(), e.getValue()));
    return page;
  }

  /** Moves a held file back in place, its name in the holding area gone for good too. */
  private static void move(Path file, Path target) throws IOException {
    ShardPaths.move(file, target);
    DiskStorage.forceDirectory(file.getParent());
  }

  /** The keys held at or before {@code cutoff}. */
  List<K> heldBy(Instant cutoff) {
    return held.entrySet().stream().filter(e -> !e.getValue().isAfter(cutoff))
        .map(Map.Entry::getKey).toList();
  }
}
