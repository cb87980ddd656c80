package dev.ostore.storage;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ShardId;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * {@link ResumableShards} in files of {@link UploadFormat}, known in memory once opened: what each
 * upload's header says and how many whole blocks it holds, so that a status costs no disk access.
 */
final class DiskResumableShards implements ResumableShards {
  private static final Logger log = System.getLogger(DiskResumableShards.class.getName());
  static final Pattern NAME = Pattern.compile("[0-9a-z][0-9a-z.]{0,63}");

  private final DiskShardStore shards;
  private final Path directory;
  private final InstantSource clock;
  private final int maxAppends;
  private final Semaphore appendSlots;
  private final Writeback writeback;
  private final ConcurrentMap<String, Upload> uploads = new ConcurrentHashMap<>();
  /** Two requests creating one upload at once: one creates it, the other finds it busy. */
  private final ReentrantLock creating = new ReentrantLock();

  /** One upload: what its header says, the whole blocks it holds, and whether a request has it. */
  static final class Upload {
    final String name;
    final Path file;
    /** Set by an append that holds {@link #busy}, re-declaring the size ({@link UploadResize}). */
    volatile ShardLayout layout;
    final Instant expires;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile long blocks;

    Upload(String name, Path file, ShardLayout layout, Instant expires, long blocks) {
      this.name = name;
      this.file = file;
      this.layout = layout;
      this.expires = expires;
      this.blocks = blocks;
    }

    @Override
    public String toString() {
      return "upload " + name;
    }
  }

  private DiskResumableShards(DiskShardStore shards, Path directory, InstantSource clock,
      int maxAppends, Writeback writeback) {
    this.shards = shards;
    this.directory = directory;
    this.clock = clock;
    this.maxAppends = maxAppends;
    this.appendSlots = new Semaphore(maxAppends);
    this.writeback = writeback;
  }

  /**
   * Opens the uploads in {@code directory}: each is checked past the blocks its header counts,
   * and a torn tail is cut off; expired ones, and ones whose creation never finished, are deleted.
   */
  static DiskResumableShards open(DiskShardStore shards, Path directory, InstantSource clock,
      int maxAppends, Writeback writeback) throws IOException {
    DiskResumableShards uploads = new DiskResumableShards(shards,
        Files.createDirectories(directory), clock, maxAppends, writeback);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        UploadRecovery.recover(file, shards, clock)
            .ifPresent(upload -> uploads.uploads.put(upload.name, upload));
      }
    }
    log.log(INFO, () -> directory + " holds " + uploads.uploads.size() + " resumable uploads");
    return uploads;
  }

  @Override
  public ShardAppend append(String name, ShardLayout layout, Instant expires, long from)
      throws IOException {
    checkName(name);
    if (from < 0) {
      throw new IllegalArgumentException("from (" + from + ") is negative");
    }
    shards.checkRoom(() -> "resumable upload " + name);
    if (!appendSlots.tryAcquire()) {
      throw new OstoreException(ErrorCode.BUSY,
          "too many appends in progress on this data server (" + maxAppends + ")");
    }
    Upload upload = null;
    try {
      upload = live(name).orElse(null);
      if (upload == null && from > 0) {
        throw notFound(name);
      }
      if (upload == null) {
        upload = create(name, layout, expires);
      }
      if (!upload.layout.striping().equals(layout.striping())) {
        throw OstoreException.badRequest(upload + " is of " + upload.layout + ", not " + layout);
      }
      if (!upload.busy.compareAndSet(false, true)) {
        upload = null;
        throw busy(name);
      }
      if (upload.blocks < from) {
        throw new OstoreException(ErrorCode.CONFLICT, upload + " holds " + upload.blocks
            + " blocks: it cannot be appended to from block " + from);
      }
      boolean resized = !upload.layout.equals(layout);
      if (resized) {
        UploadResize.check(upload, layout, from);
      }
      FileChannel channel = truncated(upload, from);
      if (resized) {
        resize(upload, channel, layout);
      }
      return new DiskShardAppend(this, upload, channel, from, writeback, shards.directIo());
    } catch (IOException | RuntimeException e) {
      if (upload != null) {
        upload.busy.set(false);
      }
      appendSlots.release();
      throw e;
    }
  }

  /** Re-declares the upload's size on its channel, which is closed if that fails. */
  private void resize(Upload upload, FileChannel channel, ShardLayout layout)
      throws IOException {
    try {
      UploadResize.apply(upload, channel, layout);
    } catch (IOException e) {
      // Its header may hold either size now: no request appends under a guess. A restart reads
      // what the disk kept, and the blocks it holds are whole chunks under both.
      uploads.remove(upload.name, upload);
      channel.close();
      throw DiskStorage.failed(upload.toString(), e);
    }
  }

  @Override
  public Optional<Held> held(String name) {
    return live(name).map(u -> new Held(u.layout, u.expires, u.blocks));
  }

  @Override
  public void copy(String name, long from, long to, OutputStream out, boolean records)
      throws IOException {
    Upload upload = live(name).orElseThrow(() -> notFound(name));
    if (to > upload.blocks) {
      // Cut since it was asked how many it holds, by an append from an earlier block.
      throw OstoreException.badRequest(upload + " holds " + upload.blocks + " blocks, not " + to);
    }
    try (FileChannel channel = FileChannel.open(upload.file, READ)) {
      DiskShardFile.copy(FileReads.buffered(channel), upload.layout, from, to, out, records,
          new DiskShardFile.Failures() {
            @Override
            public IOException corrupt(String what) {
              return new OstoreException(ErrorCode.STORAGE_FAILED, upload + ": " + what);
            }

            @Override
            public IOException failed(IOException e) {
              return DiskStorage.failed(upload.toString(), e);
            }
          });
    } catch (NoSuchFileException e) {
      throw notFound(name); // deleted since
    }
  }

  @Override
  public boolean commit(String name, ShardId id) throws IOException {
    checkName(name);
    Optional<Upload> found = live(name);
    if (found.isEmpty()) {
      if (shards.held(id.hash()).contains(id.index())) {
        return true;
      }
      throw notFound(name);
    }
    Upload upload = found.get();
    if (id.index() >= upload.layout.shardCount()) {
      throw OstoreException.badRequest("shard " + id + " is not a shard of " + upload.layout);
    }
    if (!upload.busy.compareAndSet(false, true)) {
      throw busy(name);
    }
    try {
      if (upload.blocks != upload.layout.blockCount()) {
        throw OstoreException.badRequest(upload + " holds " + upload.blocks + " of the "
            + upload.layout.blockCount() + " blocks of " + upload.layout);
      }
      FileChannel channel;
      try {
        channel = FileChannel.open(upload.file, WRITE);
      } catch (NoSuchFileException e) {
        throw notFound(name);
      } catch (IOException e) {
        throw DiskStorage.failed(upload.toString(), e);
      }
      boolean kept;
      try {
        kept = shards.commit(id, upload.layout, channel, upload.file);
      } finally {
        // Failed or not, its slot may hold the shard's header now: no longer one to append to.
        // A restart installs the file if its header and length make it a shard, else deletes it.
        uploads.remove(name, upload);
      }
      log.log(INFO, () -> upload + " is shard " + id + (kept ? ", held already" : ""));
      return kept;
    } finally {
      upload.busy.set(false);
    }
  }

  @Override
  public boolean delete(String name) throws IOException {
    checkName(name);
    Upload upload = uploads.remove(name);
    if (upload == null) {
      return false;
    }
    // An append still running writes on into a file no longer named, and is lost with it.
    deleteFile(upload);
    return true;
  }

  @Override
  public int expire() {
    int expired = 0;
    for (Upload upload : uploads.values()) {
      if (expiredNow(upload)) {
        expired++;
      }
    }
    return expired;
  }

  /** The upload, unless it is not held or has expired (then it is deleted on the way). */
  private Optional<Upload> live(String name) {
    checkName(name);
    Upload upload = uploads.get(name);
    return upload == null || expiredNow(upload) ? Optional.empty() : Optional.of(upload);
  }

  /** Deletes the upload if it has expired and no request has it; returns whether it did. */
  private boolean expiredNow(Upload upload) {
    if (!clock.instant().isAfter(upload.expires) || !upload.busy.compareAndSet(false, true)) {
      return false;
    }
    if (uploads.remove(upload.name, upload)) {
      try {
        deleteFile(upload);
        log.log(INFO, () -> "deleted " + upload + ", expired at " + upload.expires);
      } catch (IOException e) {
        log.log(WARNING, () -> "cannot delete expired " + upload + ": " + e);
      }
    }
    return true;
  }

  private Upload create(String name, ShardLayout layout, Instant expires) throws IOException {
    creating.lock();
    try {
      Optional<Upload> existing = live(name);
      if (existing.isPresent()) {
        return existing.get();
      }
      Path file = directory.resolve(name);
      try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE)) {
        ByteBuffer header = UploadFormat.header(layout, expires);
        while (header.hasRemaining()) {
          channel.write(header);
        }
        channel.force(true);
        DiskStorage.forceDirectory(directory);
      } catch (IOException e) {
        Files.deleteIfExists(file);
        throw DiskStorage.failed("upload " + name, e);
      }
      Upload upload = new Upload(name, file, layout, expires, 0);
      uploads.put(name, upload);
      return upload;
    } finally {
      creating.unlock();
    }
  }

  /**
   * The upload's file, opened and cut to {@code from} blocks. Its count of blocks checked is
   * lowered durably first: blocks written later where the dropped ones were are not checked yet.
   */
  private FileChannel truncated(Upload upload, long from) throws IOException {
    FileChannel channel;
    try {
      // READ too: a FileBody reads back the bytes it writes again directly.
      channel = FileChannel.open(upload.file, READ, WRITE);
    } catch (NoSuchFileException e) {
      throw notFound(upload.name); // deleted since
    } catch (IOException e) {
      throw DiskStorage.failed(upload.toString(), e);
    }
    try {
      if (from < upload.blocks) {
        writeCount(channel, from);
        channel.force(false);
        long dropped = upload.blocks - from;
        log.log(INFO, () -> upload + " drops its last " + dropped + " blocks");
      }
      channel.truncate(UploadFormat.end(upload.layout, from));
      upload.blocks = from;
      return channel;
    } catch (IOException e) {
      channel.close();
      throw DiskStorage.failed(upload.toString(), e);
    }
  }

  /** Called once by each append as it ends. */
  void ended(Upload upload) {
    upload.busy.set(false);
    appendSlots.release();
  }

  static void writeCount(FileChannel channel, long blocks) throws IOException {
    ByteBuffer count = UploadFormat.count(blocks);
    while (count.hasRemaining()) {
      channel.write(count, UploadFormat.COUNT_AT + count.position());
    }
  }

  private void deleteFile(Upload upload) throws IOException {
    try {
      Files.deleteIfExists(upload.file);
      DiskStorage.forceDirectory(directory);
    } catch (IOException e) {
      throw DiskStorage.failed(upload.toString(), e);
    }
  }

  private static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not an upload name: " + name);
    }
  }

  private static OstoreException notFound(String name) {
    return OstoreException.notFound("upload " + name + " not found");
  }

  private static OstoreException busy(String name) {
    return new OstoreException(ErrorCode.CONFLICT,
        "upload " + name + " is being appended to by another request");
  }
}
