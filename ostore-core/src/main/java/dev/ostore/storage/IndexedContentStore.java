package dev.ostore.storage;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.util.Objects.requireNonNull;

import dev.ostore.ContentHash;
import dev.ostore.OstoreException;
import dev.ostore.storage.ShardStore.Hold;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * {@link ContentStore} on a {@link DiskStorage} keyed by hex hashes, with an in-memory index in
 * hash order and a {@link HoldingArea} for the content a collection takes.
 */
final class IndexedContentStore implements ContentStore {
  private static final Logger log = System.getLogger(IndexedContentStore.class.getName());

  private final DiskStorage storage;
  private final TempObjects temps;
  private final HoldingArea<ContentHash> holding;
  private final InstantSource clock;
  private final Duration holdFor;
  private final NavigableSet<ContentHash> index = new ConcurrentSkipListSet<>();
  /** Commits, holds and restores of one hash take turns: a hold never moves what is stored. */
  private final HashLocks locks = new HashLocks();
  private final DiskRoom room;

  private IndexedContentStore(DiskStorage storage, TempObjects temps,
      HoldingArea<ContentHash> holding, InstantSource clock, Duration holdFor, DiskRoom room) {
    this.storage = storage;
    this.temps = temps;
    this.holding = holding;
    this.clock = clock;
    this.holdFor = holdFor;
    this.room = room;
  }

  static IndexedContentStore open(Path root, InstantSource clock, Duration tempExpiry,
      int maxTemps, Duration holdFor, DiskRoom room) throws IOException {
    if (holdFor.isNegative()) {
      throw new IllegalArgumentException("holdFor (" + holdFor + ") is negative");
    }
    DiskStorage storage = DiskStorage.open(root);
    IndexedContentStore store = new IndexedContentStore(storage,
        new TempObjects(storage, clock, tempExpiry, maxTemps),
        HoldingArea.ofWhole(root.resolve("holding-objects")), clock, holdFor, room);
    for (String key : storage.keys()) {
      try {
        store.index.add(ContentHash.parse(key));
      } catch (IllegalArgumentException e) {
        log.log(WARNING, () -> "ignored a file not named by a hash in " + storage + ": " + key);
      }
    }
    store.purgeHeld();
    log.log(INFO, () -> storage + " holds " + store.index.size() + " objects, and "
        + store.holding.size() + " held for a collection");
    return store;
  }

  @Override
  public boolean contains(ContentHash hash) {
    return index.contains(hash);
  }

  @Override
  public Optional<StoredObject> open(ContentHash hash) throws IOException {
    return forgetIfGone(hash, storage.open(hash.hex()));
  }

  @Override
  public Optional<Long> size(ContentHash hash) throws IOException {
    return forgetIfGone(hash, storage.size(hash.hex()));
  }

  /** What storage found of {@code hash}; if nothing, the file was removed behind our back. */
  private <T> Optional<T> forgetIfGone(ContentHash hash, Optional<T> found) throws IOException {
    if (found.isEmpty()) {
      // Looked at again under the lock: content restored or stored since stays announced.
      locks.locked(hash, () -> {
        if (!Files.exists(pathOf(hash))) {
          index.remove(hash);
        }
        return null;
      });
    }
    return found;
  }

  @Override
  public void quarantine(ContentHash hash) throws IOException {
    locks.locked(hash, () -> {
      index.remove(hash);
      return storage.quarantine(hash.hex());
    });
  }

  @Override
  public List<Listed> listed(Optional<ContentHash> after, int limit) throws IOException {
    checkLimit(limit);
    Set<ContentHash> rest = after.isPresent() ? index.tailSet(after.get(), false) : index;
    List<Listed> page = new ArrayList<>();
    for (ContentHash hash : rest.stream().limit(limit).toList()) {
      try {
        BasicFileAttributes file = Files.readAttributes(pathOf(hash), BasicFileAttributes.class);
        page.add(new Listed(hash, file.size(), file.lastModifiedTime().toInstant()));
      } catch (NoSuchFileException e) {
        // held or removed since the index was read: no longer here
      } catch (IOException e) {
        throw DiskStorage.failed(hash.hex(), e);
      }
    }
    return page;
  }

  /**
   * Not forced, as {@link DiskShardStore#hold} is not: a crash can only undo the move, leaving
   * the content in place, looking written at its hold time; a later collection takes it again.
   */
  @Override
  public Hold hold(ContentHash hash, Instant writtenBefore) throws IOException {
    requireNonNull(writtenBefore, "writtenBefore");
    Path file = pathOf(hash);
    return locks.locked(hash, () -> {
      try {
        if (!Files.getLastModifiedTime(file).toInstant().isBefore(writtenBefore)) {
          return Hold.WRITTEN_SINCE;
        }
        holding.take(hash, file, now());
      } catch (NoSuchFileException e) {
        index.remove(hash);
        return Hold.ABSENT;
      } catch (IOException e) {
        throw DiskStorage.failed(hash.hex(), e);
      }
      index.remove(hash);
      log.log(INFO, () -> "held content " + hash + " for a collection");
      return Hold.HELD;
    });
  }

  @Override
  public SortedMap<ContentHash, Instant> listHeld(Optional<ContentHash> after, int limit) {
    checkLimit(limit);
    return holding.list(after, limit);
  }

  @Override
  public boolean restore(ContentHash hash) throws IOException {
    Path target = pathOf(hash);
    return locks.locked(hash, () -> {
      try {
        if (Files.exists(target)) {
          // Stored again since it was held: the copy in place is as good, and newer.
          return holding.drop(hash);
        }
        if (!holding.putBack(hash, target, now())) {
          return false;
        }
      } catch (IOException e) {
        throw DiskStorage.failed("held content " + hash, e);
      }
      index.add(hash);
      log.log(INFO, () -> "restored held content " + hash);
      return true;
    });
  }

  @Override
  public int purgeHeld() throws IOException {
    Instant cutoff = clock.instant().minus(holdFor);
    int purged = 0;
    for (ContentHash hash : holding.heldBy(cutoff)) {
      boolean dropped = locks.locked(hash, () -> {
        // Restored, or held again, since the list was taken: then it is not due.
        if (holding.heldAt(hash).filter(at -> !at.isAfter(cutoff)).isEmpty()) {
          return false;
        }
        try {
          return holding.drop(hash);
        } catch (IOException e) {
          throw DiskStorage.failed("held content " + hash, e);
        }
      });
      if (dropped) {
        purged++;
        log.log(INFO, () -> "deleted content " + hash + " for good: held longer than "
            + holdFor);
      }
    }
    return purged;
  }

  @Override
  public String createTemp(OptionalLong limit) throws IOException {
    room.check(() -> "a temporary object");
    return temps.create(limit);
  }

  @Override
  public OutputStream append(String id) throws IOException {
    return temps.append(id);
  }

  @Override
  public OptionalLong tempSize(String id) {
    return temps.size(id);
  }

  /**
   * Stores the content, or finds it stored and records it as written now, under the lock {@link
   * #hold} takes: a collection that began before can no longer hold it, and one that held it
   * already leaves no file in place, so it is stored anew.
   */
  @Override
  public long commit(String id, ContentHash expected) throws IOException {
    TempObject temp = temps.take(id);
    try {
      ContentHash actual = temp.hash();
      if (!actual.equals(expected)) {
        temp.delete();
        throw OstoreException.badRequest("temporary object " + id + " hashes to "
            + actual.hex() + ", not " + expected.hex());
      }
      long size = temp.size();
      locks.locked(actual, () -> {
        FileTime now = now();
        // The index holds all content in place but what was removed by hand, so content it lacks
        // is new, and its file need not be looked for (as DiskShardStore.install).
        if (index.contains(actual)) {
          try {
            Files.setLastModifiedTime(pathOf(actual), now);
            temp.delete();
            return false;
          } catch (NoSuchFileException e) {
            // removed by hand: the temporary object becomes the content
          }
        }
        temp.commit(actual.hex(), now);
        return index.add(actual);
      });
      return size;
    } finally {
      temp.busy.release();
    }
  }

  @Override
  public boolean abort(String id) throws IOException {
    return temps.abort(id);
  }

  @Override
  public int expireTemps() throws IOException {
    return temps.expire();
  }

  @Override
  public void close() {
    temps.close();
  }

  private Path pathOf(ContentHash hash) {
    return storage.pathOf(hash.hex());
  }

  private FileTime now() {
    return ShardPaths.stamp(clock.instant());
  }

  private static void checkLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit (" + limit + ") is negative");
    }
  }
}
