package dev.ostore.storage;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The temporary objects of an {@link IndexedContentStore}, as {@link ContentStore} describes
 * them: at most a given number open at once, each holding an open file and written by one
 * request at a time, deleted once idle for the expiry. Thread-safe; closing ends them all.
 */
final class TempObjects {
  private static final Logger log = System.getLogger(TempObjects.class.getName());

  private final DiskStorage storage;
  private final InstantSource clock;
  private final Duration expiry;
  private final int max;
  private final Map<String, TempObject> temps = new ConcurrentHashMap<>();
  /** One permit per temporary object that may still be opened: each holds an open file. */
  private final Semaphore slots;
  private final AtomicBoolean open = new AtomicBoolean(true);

  TempObjects(DiskStorage storage, InstantSource clock, Duration expiry, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxTemps (" + max + ") must be positive");
    }
    this.storage = storage;
    this.clock = clock;
    this.expiry = expiry;
    this.max = max;
    this.slots = new Semaphore(max);
  }

  /** See {@link ContentStore#createTemp}. */
  String create(OptionalLong limit) throws IOException {
    if (!open.get()) {
      throw new IllegalStateException("content store is closed");
    }
    if (!slots.tryAcquire()) {
      throw new OstoreException(ErrorCode.BUSY,
          "too many uploads in progress on this data server (" + max + ")");
    }
    String id = UUID.randomUUID().toString();
    try {
      temps.put(id, new TempObject(id, storage.create(), limit, clock.instant()));
    } catch (IOException | RuntimeException e) {
      slots.release();
      throw e;
    }
    return id;
  }

  /** See {@link ContentStore#append}. */
  OutputStream append(String id) throws IOException {
    TempObject temp = acquire(id);
    return temp.appender(clock, () -> discard(temp));
  }

  /** See {@link ContentStore#tempSize}. */
  OptionalLong size(String id) {
    TempObject temp = temps.get(id);
    return temp == null ? OptionalLong.empty() : OptionalLong.of(temp.size());
  }

  /**
   * Temporary object {@code id}, taken out of the store, its slot freed, and busy: the caller,
   * which commits it, releases {@link TempObject#busy} when done.
   */
  TempObject take(String id) throws OstoreException {
    TempObject temp = acquire(id);
    forget(temp);
    return temp;
  }

  /** See {@link ContentStore#abort}. */
  boolean abort(String id) throws IOException {
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

  /** See {@link ContentStore#expireTemps}. */
  int expire() throws IOException {
    Instant cutoff = clock.instant().minus(expiry);
    int expired = 0;
    for (TempObject temp : temps.values()) {
      // One being written to is busy, not idle, whatever its last write.
      if (temp.lastActive().isBefore(cutoff) && temp.busy.tryAcquire()) {
        try {
          if (forget(temp)) {
            temp.delete();
            expired++;
            log.log(INFO, () -> "temporary object " + temp.id + " expired after " + expiry);
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

  /** See {@link ContentStore#close}. */
  void close() {
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
      slots.release();
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
