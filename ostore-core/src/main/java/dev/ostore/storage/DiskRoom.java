package dev.ostore.storage;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.io.IOException;
import java.lang.System.Logger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * The room a data server may still fill: the usable space of the file system under its storage
 * root, less a reserve kept free so that the machine, its logs and the writes already under way
 * have space left. New shards and objects are refused ({@code INSUFFICIENT_STORAGE}) once none is
 * left, before the disk itself fills and a write fails half done. The space is read at most once
 * a {@link #REREAD} (a {@code statfs} each small PUT would cost more than its answer is worth);
 * the reserve covers what a second's writes add. Thread-safe.
 */
public final class DiskRoom {
  private static final Logger log = System.getLogger(DiskRoom.class.getName());

  /** How long a reading of the usable space stands. */
  static final Duration REREAD = Duration.ofSeconds(1);

  /** Reads the bytes a process may still write on a file system; may fail. */
  interface UsableSpace {
    long read() throws IOException;
  }

  /** A reading of the room, and when it stops standing. */
  private record Reading(long free, Instant until) {}

  private final Object what;
  private final UsableSpace usable;
  private final long reserve;
  private final InstantSource clock;
  private volatile Reading last;

  DiskRoom(Object what, UsableSpace usable, long reserve, InstantSource clock) {
    if (reserve < 0) {
      throw new IllegalArgumentException("reserve (" + reserve + ") is negative");
    }
    this.what = what;
    this.usable = usable;
    this.reserve = reserve;
    this.clock = clock;
  }

  /** The room on the file system holding {@code root}, keeping {@code reserve} bytes free. */
  public static DiskRoom of(Path root, long reserve, InstantSource clock) {
    return new DiskRoom(root, () -> Files.getFileStore(root).getUsableSpace(), reserve, clock);
  }

  /** The bytes kept free. */
  public long reserve() {
    return reserve;
  }

  /**
   * The bytes that may still be written before the reserve, as last read; 0 when none. A file
   * system that cannot tell its space counts as having room: refusing every write on a failed
   * {@code statfs} would turn a passing fault into an outage.
   */
  public long free() {
    Reading reading = last;
    Instant now = clock.instant();
    if (reading == null || !now.isBefore(reading.until())) {
      reading = read(now, reading);
      last = reading;
    }
    return reading.free();
  }

  /**
   * {@code INSUFFICIENT_STORAGE}, naming what was to be written, when no room is left; {@code
   * what} is asked only then, since every new shard comes through here.
   */
  public void check(Supplier<String> what) throws OstoreException {
    if (free() == 0) {
      throw new OstoreException(ErrorCode.INSUFFICIENT_STORAGE, "no room for " + what.get()
          + " on this data server: less than its reserve of " + reserve
          + " bytes (MIN_FREE_SPACE) is free on " + this.what);
    }
  }

  private Reading read(Instant now, Reading before) {
    long free;
    try {
      free = Math.max(0, usable.read() - reserve);
    } catch (IOException e) {
      log.log(WARNING, () -> "cannot read the free space of " + what + ": " + e.getMessage());
      free = Long.MAX_VALUE;
    }
    logIfTurned(before, free);
    return new Reading(free, now.plus(REREAD));
  }

  /** An operator must hear when writes start being refused, and when they are taken again. */
  private void logIfTurned(Reading before, long free) {
    boolean wasFull = before != null && before.free() == 0;
    if (free == 0 && !wasFull) {
      log.log(WARNING, () -> what + " is full: less than its reserve of " + reserve
          + " bytes (MIN_FREE_SPACE) is free; new shards and objects are refused (507)");
    } else if (free > 0 && wasFull) {
      log.log(INFO, () -> what + " has room again: " + free + " bytes above its reserve");
    }
  }
}
