package dev.ostore.metadata;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.metrics.CacheStats;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The SQLite files this process has open as metadata stores. While any store of the process
 * has a file open, the file is locked against other processes (the operating system's lock on
 * {@code <file>.ostore-lock}, dropped when the process ends, however it ends), and the process's
 * stores of that file share one {@link LatestVersions}: only they write the file, and each write
 * reaches the one cache every one of them reads.
 */
final class SqliteClaims {
  /** What the lock file is called: the database file's name with this after it. */
  static final String LOCK_SUFFIX = ".ostore-lock";

  /** Guarded by itself, as is every count of a {@link Held}. */
  private static final Map<Path, Held> HELD = new HashMap<>();

  private SqliteClaims() {}

  /**
   * One file, locked, and the cache its stores in this process share; kept while a store has it
   * open or a write of versions is under way, which a store closed meanwhile may still commit:
   * a store opened then must share the cache that write will make forget its name.
   */
  private static final class Held {
    final Path file;
    final FileChannel channel;
    final LatestVersions latest = new LatestVersions();
    int claims;
    int writes;

    Held(Path file, FileChannel channel) {
      this.file = file;
      this.channel = channel;
    }
  }

  /** One store's claim on a file; closing it more than once releases it once. */
  static final class Claim implements AutoCloseable {
    private final Held held;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private Claim(Held held) {
      this.held = held;
    }

    /**
     * The latest version of {@code name}, from the cache this process's stores of the file share
     * (see {@link LatestVersions#latest}); refused once this claim is closed, as a closed store's
     * calls are.
     */
    Optional<Version> latest(String name, LatestVersions.Read read) throws OstoreException {
      if (!open.get()) {
        throw new IllegalStateException("closed");
      }
      return held.latest.latest(name, read);
    }

    /** What the shared cache of latest versions has served, to every store of the file. */
    CacheStats latestVersions() {
      return held.latest.stats();
    }

    /** To be called before a write of versions, whose {@link Write#ended} must be called. */
    Write writing() {
      synchronized (HELD) {
        held.writes++;
      }
      return new Write(held, held.latest.mark());
    }

    @Override
    public void close() {
      if (open.compareAndSet(true, false)) {
        release(held);
      }
    }
  }

  /** A write of versions under way, which the shared cache hears of when it ends. */
  static final class Write {
    private final Held held;
    private final long mark;

    private Write(Held held, long mark) {
      this.held = held;
      this.mark = mark;
    }

    /**
     * Ends a write of {@code name}'s versions: with the version it {@code added}, committed, the
     * shared cache keeps it (see {@link LatestVersions#added}); else, committed or not, it
     * forgets the name; even once the claim is closed, since other stores of the file read it.
     */
    void ended(String name, Optional<Version> added) {
      if (added.isPresent()) {
        held.latest.added(added.get(), mark);
      } else {
        held.latest.forget(name);
      }
      synchronized (HELD) {
        held.writes--;
        dropIfUnused(held);
      }
    }
  }

  /**
   * Claims {@code file} (absolute, its directory existing) for a store of this process; refused
   * with METADATA_UNAVAILABLE, saying what to do, when another process has it open.
   */
  static Claim claim(Path file) throws OstoreException {
    Path key = canonical(file);
    synchronized (HELD) {
      Held held = HELD.get(key);
      if (held == null) {
        held = new Held(key, lock(key));
        HELD.put(key, held);
      }
      held.claims++;
      return new Claim(held);
    }
  }

  private static FileChannel lock(Path file) throws OstoreException {
    Path lockFile = file.resolveSibling(file.getFileName() + LOCK_SUFFIX);
    FileChannel channel = null;
    FileLock lock;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = channel.tryLock();
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE,
          "cannot lock the metadata store " + file + " (" + lockFile + "): " + e, e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE, "metadata store " + file
          + " is open in another process (it holds " + lockFile + "): an SQLite file serves"
          + " one api server; api servers that share their metadata use PostgreSQL");
    }
    return channel;
  }

  private static void release(Held held) {
    synchronized (HELD) {
      held.claims--;
      dropIfUnused(held);
    }
  }

  private static void dropIfUnused(Held held) {
    if (held.claims == 0 && held.writes == 0) {
      HELD.remove(held.file);
      // Closing the channel drops its lock.
      closeQuietly(held.channel);
    }
  }

  /** The file's path with its directory's links resolved, so that one file has one key. */
  private static Path canonical(Path file) throws OstoreException {
    Path absolute = file.toAbsolutePath().normalize();
    try {
      return absolute.getParent().toRealPath().resolve(absolute.getFileName());
    } catch (IOException e) {
      throw new OstoreException(ErrorCode.METADATA_UNAVAILABLE,
          "cannot find the directory of the metadata store " + absolute + ": " + e, e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing was written to it; the lock goes with the channel or the process.
    }
  }
}
