package dev.ostore.scrub;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ShardId;
import dev.ostore.storage.CorruptShardException;
import dev.ostore.storage.ShardFile;
import dev.ostore.storage.ShardStore;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads every shard a data server holds, block by block, at no more than a set number of bytes
 * per second, so that a bit gone bad on disk is found while the other shards of its object can
 * still rebuild it, not when a reader needs it. Each block is checked against its CRC32C by
 * {@link ShardFile#copyBlocks}, which quarantines a shard that fails: it then vanishes from
 * locate answers, which is how repair learns of it. A pass walks the shards in order; the next
 * starts an interval after the last one started, or at once if the pass took longer.
 *
 * <p>The work is done in small steps on an injected scheduler, each allowed the bytes the rate
 * earned since the last by an injected clock, so tests move time instead of sleeping. Closing
 * stops it; idempotent. Thread-safe.
 */
public final class Scrubber implements AutoCloseable {
  /** How many of the corrupt shards found are named in the report. */
  public static final int RECENT_CORRUPT = 100;
  /** How often a step runs: short enough for a smooth rate, long enough to cost nothing. */
  static final Duration STEP = Duration.ofMillis(100);
  /** What opening a shard is charged, so that a store of empty shards is walked at a bound too. */
  static final long OPEN_COST = 4096;
  /**
   * How many shards one listing of the store gives: a listing costs more than a step of one
   * shard (a data server sorts a part of its index for it). A shard stored after its page was
   * listed waits for the next pass.
   */
  static final int PAGE = 256;

  private static final Logger log = System.getLogger(Scrubber.class.getName());
  private static final OutputStream DISCARD = OutputStream.nullOutputStream();

  private final ShardStore store;
  private final long bytesPerSecond;
  private final Duration interval;
  private final InstantSource clock;
  private final ScheduledFuture<?> steps;

  // Guarded by this.
  private Instant nextPass;
  private Instant lastStep;
  private double allowance;
  private Optional<ShardId> cursor = Optional.empty();
  private final Deque<ShardId> listed = new ArrayDeque<>();
  private ShardFile current;
  private long nextBlock;
  private boolean passing;
  private long passesFinished;
  private Optional<Instant> passStarted = Optional.empty();
  private Optional<Instant> passFinished = Optional.empty();
  private long shardsChecked;
  private long bytesChecked;
  private long corruptFound;
  private long unreadable;
  private final Deque<ShardId> recentCorrupt = new ArrayDeque<>();
  private boolean open = true;

  private Scrubber(ShardStore store, long bytesPerSecond, Duration interval, InstantSource clock,
      ScheduledExecutorService scheduler) {
    this.store = store;
    this.bytesPerSecond = bytesPerSecond;
    this.interval = interval;
    this.clock = clock;
    this.nextPass = clock.instant();
    this.lastStep = nextPass;
    this.steps = scheduler.scheduleWithFixedDelay(this::step, 0, STEP.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Starts scrubbing {@code store} at {@code bytesPerSecond} (positive), a pass every {@code
   * interval}, the first at once, in steps on {@code scheduler}, which should not be one whose
   * other tasks must run on time (heartbeats): a step waits for the disk.
   */
  public static Scrubber start(ShardStore store, long bytesPerSecond, Duration interval,
      InstantSource clock, ScheduledExecutorService scheduler) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("scrub rate (" + bytesPerSecond + ") must be positive");
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("scrub interval (" + interval + ") must be positive");
    }
    return new Scrubber(store, bytesPerSecond, interval, clock, scheduler);
  }

  /** What it has done so far. */
  public synchronized ScrubReport report() {
    return new ScrubReport(bytesPerSecond, passesFinished, passStarted, passFinished,
        shardsChecked, bytesChecked, corruptFound, List.copyOf(recentCorrupt), unreadable);
  }

  /** One step: the bytes earned since the last, or the start of a pass when one is due. */
  synchronized void step() {
    if (!open) {
      return;
    }
    Instant now = clock.instant();
    if (!passing) {
      if (now.isBefore(nextPass)) {
        return;
      }
      startPass(now);
    }
    // A step that comes late (a slow disk, a busy machine) catches up one second at most.
    double earned = Duration.between(lastStep, now).toNanos() / 1e9 * bytesPerSecond;
    allowance = Math.min(allowance + earned, bytesPerSecond);
    lastStep = now;
    try {
      while (allowance > 0 && passing) {
        checkSome(now);
      }
    } catch (RuntimeException e) {
      // The schedule must survive anything: the next step starts from the next shard.
      log.log(WARNING, () -> "scrubbing stopped at a shard after " + cursor + ": " + e);
      closeCurrent();
    }
  }

  private void startPass(Instant now) {
    passing = true;
    passStarted = Optional.of(now);
    nextPass = now.plus(interval);
    lastStep = now;
    allowance = 0;
    cursor = Optional.empty();
    listed.clear();
    log.log(INFO, () -> "scrub pass started over " + store + " at " + bytesPerSecond
        + " bytes/s");
  }

  /** Opens the next shard, or checks the next block of the one open, or ends the pass. */
  private void checkSome(Instant now) {
    if (current == null) {
      if (listed.isEmpty()) {
        listed.addAll(store.list(cursor, PAGE));
      }
      ShardId next = listed.poll();
      if (next == null) {
        endPass(now);
        return;
      }
      cursor = Optional.of(next);
      allowance -= OPEN_COST;
      openShard(next);
      return;
    }
    ShardId id = new ShardId(current.hash(), current.index());
    if (nextBlock == current.layout().blockCount()) {
      shardsChecked++;
      closeCurrent();
      return;
    }
    try {
      current.copyBlocks(nextBlock, nextBlock + 1, DISCARD);
      int length = current.layout().blockLength(nextBlock);
      allowance -= length;
      bytesChecked += length;
      nextBlock++;
    } catch (CorruptShardException e) {
      foundCorrupt(id, e);
    } catch (IOException e) {
      cannotRead(id, e);
    }
  }

  private void openShard(ShardId id) {
    try {
      // Gone since it was listed (deleted, or found corrupt by a reader): nothing to check.
      current = store.open(id).orElse(null);
      nextBlock = 0;
    } catch (CorruptShardException e) {
      foundCorrupt(id, e);
    } catch (IOException e) {
      cannotRead(id, e);
    }
  }

  private void foundCorrupt(ShardId id, CorruptShardException e) {
    corruptFound++;
    shardsChecked++;
    recentCorrupt.addLast(id);
    if (recentCorrupt.size() > RECENT_CORRUPT) {
      recentCorrupt.removeFirst();
    }
    log.log(WARNING, () -> "scrubbing found shard " + id + " corrupt, quarantined: "
        + e.getMessage());
    closeCurrent();
  }

  private void cannotRead(ShardId id, IOException e) {
    unreadable++;
    log.log(WARNING, () -> "scrubbing could not read shard " + id + ": " + e.getMessage());
    closeCurrent();
  }

  private void endPass(Instant now) {
    passing = false;
    passesFinished++;
    passFinished = Optional.of(now);
    if (nextPass.isBefore(now)) {
      nextPass = now;
    }
    log.log(INFO, () -> "scrub pass finished: " + shardsChecked + " shards checked since start, "
        + corruptFound + " corrupt");
  }

  private void closeCurrent() {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  @Override
  public void close() {
    steps.cancel(false);
    synchronized (this) {
      if (open) {
        open = false;
        closeCurrent();
      }
    }
  }
}
