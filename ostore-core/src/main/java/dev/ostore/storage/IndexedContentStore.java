package dev.ostore.storage;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link ContentStore} on a {@link Storage} keyed by hex hashes, with an in-memory index. */
final class IndexedContentStore implements ContentStore {
  private static final Logger log = System.getLogger(IndexedContentStore.class.getName());

  private final Storage storage;
  private final InstantSource clock;
  private final Duration tempExpiry;
  private final int maxTemps;
  private final Set<ContentHash> index = ConcurrentHashMap.newKeySet();
  private final Map<String, TempObject> temps = new ConcurrentHashMap<>();
  /** One permit per temporary object that may still be opened: each holds an open file. */
  private final Semaphore tempSlots;
  private final AtomicBoolean open = new AtomicBoolean(true);

  private IndexedContentStore(Storage storage, InstantSource clock, Duration tempExpiry,
      int maxTemps) {
    if (maxTemps < 1) {
      throw new IllegalArgumentException("maxTemps (" + maxTemps + ") must be positive");
    }
    this.storage = storage;
    this.clock = clock;
    this.tempExpiry = tempExpiry;
    this.maxTemps = maxTemps;
    this.tempSlots = new Semaphore(maxTemps);
  }

  static IndexedContentStore open(Storage storage, InstantSource clock, Duration tempExpiry,
      int maxTemps) throws IOException {
    IndexedContentStore store = new IndexedContentStore(storage, clock, tempExpiry, maxTemps);
    for (String key : storage.keys()) {
      try {
        store.index.add(ContentHash.parse(key));
      } catch (IllegalArgumentException e) {
        log.log(WARNING, () -> "ignored a file not named by a hash in " + storage + ": " + key);
      }
    }
    log.log(INFO, () -> storage + " holds " + store.index.size() + " objects");
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
  private <T> Optional<T> forgetIfGone(ContentHash hash, Optional<T> found) {
    if (found.isEmpty()) {
      index.remove(hash); // stop announcing it
    }
    return found;
  }

  @Override
  public void quarantine(ContentHash hash) throws IOException {
    index.remove(hash);
    storage.quarantine(hash.hex());
  }

  @Override
  public String createTemp(OptionalLong limit) throws IOException {
    if (!open.get()) {
      throw new IllegalStateException("content store is closed");
    }
    if (!tempSlots.tryAcquire()) {
      throw new OstoreException(ErrorCode.BUSY,
          "too many uploads in progress on this data server (" + maxTemps + ")");
    }
    String id = UUID.randomUUID().toString();
    try {
      temps.put(id, new TempObject(id, storage.create(), limit, clock.instant()));
    } catch (IOException | RuntimeException e) {
      tempSlots.release();
      throw e;
    }
    return id;
  }

  @Override
  public OutputStream append(String id) throws IOException {
    TempObject temp = acquire(id);
    return temp.appender(clock, () -> discard(temp));
  }

  @Override
  public OptionalLong tempSize(String id) {
    TempObject temp = temps.get(id);
    return temp == null ? OptionalLong.empty() : OptionalLong.of(temp.size());
  }

  @Override
  public long commit(String id, ContentHash expected) throws IOException {
    TempObject temp = acquire(id);
    try {
      forget(temp);
      ContentHash actual = temp.hash();
      if (!actual.equals(expected)) {
        temp.delete();
        throw OstoreException.badRequest("temporary object " + id + " hashes to "
            + actual.hex() + ", not " + expected.hex());
      }
      long size = temp.size();
      if (index.contains(actual)) {
        temp.delete();
      } else {
        temp.commit(actual.hex());
        index.add(actual);
      }
      return size;
    } finally {
      temp.busy.release();
    }
  }

  @Override
  public boolean abort(String id) throws IOException {
    TempObject temp = temps.get(id);
    if (temp == null || !forget(temp)) {
      return false;
    }
    // Waits for a write in progress to finish: the file goes away under nobody.
    temp.busy.acquireUninterruptibly();
    try {
      temp.delete();
      return true;
    } finally {
      temp.busy.release();
    }
  }

  @Override
  public int expireTemps() throws IOException {
    Instant cutoff = clock.instant().minus(tempExpiry);
    int expired = 0;
    for (TempObject temp : temps.values()) {
      // One being written to is busy, not idle, whatever its last write.
      if (temp.lastActive().isBefore(cutoff) && temp.busy.tryAcquire()) {
        try {
          if (forget(temp)) {
            temp.delete();
            expired++;
            log.log(INFO, () -> "temporary object " + temp.id + " expired after " + tempExpiry);
          }
        } finally {
          temp.busy.release();
        }
      }
    }
    return expired;
  }

  private TempObject acquire(String id) throws OstoreException {
    TempObject temp = temps.get(id);
    if (temp == null) {
      throw OstoreException.notFound("no temporary object " + id);
    }
    if (!temp.busy.tryAcquire()) {
      throw new OstoreException(ErrorCode.CONFLICT,
          "temporary object " + id + " is being written by another request");
    }
    if (temps.get(id) != temp) {
      temp.busy.release();
      throw OstoreException.notFound("no temporary object " + id);
    }
    return temp;
  }

  @Override
  public void close() {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    for (TempObject temp : temps.values()) {
      if (forget(temp)) {
        try {
          temp.release();
        } catch (IOException e) {
          log.log(WARNING, () -> "cannot close temporary object " + temp.id + ": " + e);
        }
      }
    }
  }

  /** Takes the temporary object out of the store, freeing its slot; true if this call did. */
  private boolean forget(TempObject temp) {
    if (temps.remove(temp.id, temp)) {
      tempSlots.release();
      return true;
    }
    return false;
  }

  /** A failed append leaves a temporary object nobody can trust: it goes at once. */
  private void discard(TempObject temp) {
    if (forget(temp)) {
      try {
        temp.delete();
      } catch (IOException e) {
        log.log(WARNING, () -> "cannot delete temporary object " + temp.id + ": " + e);
      }
    }
  }
}
