package dev.ostore.storage;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.Objects.requireNonNull;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ShardId;
import dev.ostore.erasure.Striping;
import dev.ostore.storage.ShardPacks.Packed;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@link ShardStore} in plain files, in the format of {@link ShardFormat}, but for small shards,
 * kept in packs ({@link ShardPacks}) in the same format. A crash can leave a shard both in a pack
 * and as a file (a copy that lost a race to store it): the packed copy is the one read, and a
 * delete, hold or quarantine takes both.
 */
final class DiskShardStore implements ShardStore {
  private static final Logger log = System.getLogger(DiskShardStore.class.getName());
  /** Not DiskStorage's {@code .part}: each store deletes only its own leftovers. */
  static final String PARTIAL_SUFFIX = ".shard-part";

  private final Path shards;
  private final Path temp;
  private final Path corrupt;
  private final HoldingArea<ShardId> holding;
  private ShardPacks packs;
  private final InstantSource clock;
  private final Duration holdFor;
  private final int maxUploads;
  private final boolean directIo;
  private final DiskRoom room;
  private final Semaphore uploadSlots;
  private final ShardIndex index = new ShardIndex();
  /**
   * The layouts of shard files listed before, so that a listing reads no shard file twice: each
   * collection or repair pass lists every shard. A packed shard keeps its layout in its pack's
   * entry instead. Dropped whenever the index drops or (re)adds the shard, under its lock.
   */
  private final Map<ShardId, ShardLayout> layouts = new ConcurrentHashMap<>();
  private final Set<DiskShardUpload> uploads = ConcurrentHashMap.newKeySet();
  /** Commits of shards in one directory take turns, so two of one shard cannot both store it. */
  private final Object[] directoryLocks = new Object[256];
  private final AtomicBoolean open = new AtomicBoolean(true);
  /** Eight files forced at once keep a disk busy; more threads would only wait longer. */
  private final Writeback writeback = new Writeback(8, "shard-writeback");
  /**
   * Read the next windows of long reads ahead ({@link FileReads}), one for each read. A read that
   * finds all 32 busy reads its next window when it needs it, as every read did before; 32 is a
   * guess at plenty for one disk, not a measured limit.
   */
  private final ExecutorService readAhead = SpareThreads.upTo(32, "shard-read-ahead");
  private DiskResumableShards resumable;

  private DiskShardStore(Path shards, Path temp, Path corrupt, HoldingArea<ShardId> holding,
      InstantSource clock, Duration holdFor, int maxUploads, boolean directIo, DiskRoom room) {
    this.shards = shards;
    this.temp = temp;
    this.corrupt = corrupt;
    this.holding = holding;
    this.clock = clock;
    this.holdFor = holdFor;
    this.maxUploads = maxUploads;
    this.directIo = directIo;
    this.room = room;
    this.uploadSlots = new Semaphore(maxUploads);
    for (int i = 0; i < directoryLocks.length; i++) {
      directoryLocks[i] = new Object();
    }
  }

  static DiskShardStore open(Path root, int maxUploads, InstantSource clock, Duration holdFor,
      boolean directIo, DiskRoom room) throws IOException {
    if (maxUploads < 1) {
      throw new IllegalArgumentException("maxUploads (" + maxUploads + ") must be positive");
    }
    if (holdFor.isNegative()) {
      throw new IllegalArgumentException("holdFor (" + holdFor + ") is negative");
    }
    DiskShardStore store = new DiskShardStore(Files.createDirectories(root.resolve("shards")),
        Files.createDirectories(root.resolve("temp")),
        Files.createDirectories(root.resolve("corrupt")),
        HoldingArea.ofShards(root.resolve("holding")), clock, holdFor, maxUploads, directIo,
        room);
    store.removeDeadUploads();
    List<ShardId> stored = new ArrayList<>();
    ShardPaths.scan(store.shards, (id, file) -> stored.add(id));
    store.packs = ShardPacks.open(root.resolve("packs"), ShardPacks.PACK_SIZE, store::lockOf);
    stored.addAll(store.packs.live().keySet());
    // In order, each id goes at its skip list's end: 1.5 to 3 times as fast as at random.
    stored.sort(null);
    stored.forEach(store.index::add);
    store.purgeHeld();
    // After the index: an upload committed but not yet renamed into place is installed now.
    store.resumable = DiskResumableShards.open(store, root.resolve("uploads"), clock, maxUploads,
        store.writeback);
    log.log(INFO, () -> store + " holds " + store.index.size() + " shards, "
        + store.packs.live().size() + " of them in packs, and " + store.holding.size()
        + " held for a collection");
    return store;
  }

  @Override
  public ShardUpload create(int index, Striping striping) throws IOException {
    if (index < 0 || index >= striping.totalShards()) {
      throw OstoreException.badRequest("shard index " + index + " is outside " + striping);
    }
    if (striping.chunkSize() > ShardLayout.MAX_CHUNK_SIZE) {
      throw OstoreException.badRequest("chunks of " + striping.chunkSize()
          + " bytes are larger than the " + ShardLayout.MAX_CHUNK_SIZE + " taken");
    }
    if (!open.get()) {
      throw new IllegalStateException("shard store is closed");
    }
    checkRoom(() -> "shard " + index + " of " + striping);
    if (!uploadSlots.tryAcquire()) {
      throw new OstoreException(ErrorCode.BUSY,
          "too many uploads in progress on this data server (" + maxUploads + ")");
    }
    DiskShardUpload upload = new DiskShardUpload(this, index, striping, writeback);
    uploads.add(upload);
    return upload;
  }

  /** {@code INSUFFICIENT_STORAGE} when the disk has no room for {@code what} above its reserve. */
  void checkRoom(Supplier<String> what) throws OstoreException {
    room.check(what);
  }

  /** A temporary file for a shard upload too big for a pack, open to read and write. */
  record Partial(Path file, FileChannel channel) {}

  Partial newPartial(int index) throws IOException {
    Path partial = temp.resolve(UUID.randomUUID() + PARTIAL_SUFFIX);
    try {
      // READ too: a FileBody reads back the bytes it writes again directly.
      return new Partial(partial, FileChannel.open(partial, CREATE_NEW, READ, WRITE));
    } catch (IOException e) {
      throw DiskStorage.failed("a new upload of a shard " + index, e);
    }
  }

  /** Whether big shards bypass the page cache: {@link FileBody}, {@link FileReads}. */
  boolean directIo() {
    return directIo;
  }

  /** Where long reads read ahead: a task may be refused. */
  Executor readAhead() {
    return readAhead;
  }

  @Override
  public ResumableShards resumable() {
    return resumable;
  }

  @Override
  public Optional<ShardFile> open(ShardId id) throws IOException {
    Optional<Packed> packed = packs.get(id);
    if (packed.isPresent()) {
      return openPacked(id, packed.get());
    }
    FileChannel channel;
    Instant written;
    try {
      channel = FileChannel.open(pathOf(id), READ);
    } catch (NoSuchFileException e) {
      // Removed behind our back: stop announcing it, unless it was restored or stored since,
      // which happens under the lock, as this second look does.
      synchronized (lockOf(id)) {
        if (!Files.exists(pathOf(id)) && packs.get(id).isEmpty()) {
          unindex(id);
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw DiskStorage.failed("shard " + id, e);
    }
    try {
      written = Files.getLastModifiedTime(pathOf(id)).toInstant();
    } catch (NoSuchFileException e) {
      channel.close(); // held or deleted since it was opened: no longer here
      return Optional.empty();
    } catch (IOException e) {
      channel.close();
      throw DiskStorage.failed("shard " + id, e);
    }
    try {
      return Optional.of(new DiskShardFile(this, id, channel, pathOf(id), 0,
          checkHeader(id, channel, 0, channel.size()), written));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Opens a shard kept in a pack, following it when a compaction moved it meanwhile. */
  private Optional<ShardFile> openPacked(ShardId id, Packed packed) throws IOException {
    FileChannel channel;
    try {
      channel = packs.openForReading(packed);
    } catch (NoSuchFileException e) {
      Optional<Packed> now = packs.get(id);
      return now.isEmpty() || now.get().equals(packed) ? Optional.empty()
          : openPacked(id, now.get());
    } catch (IOException e) {
      throw DiskStorage.failed("shard " + id, e);
    }
    try {
      return Optional.of(new DiskShardFile(this, id, channel, null, packed.start(),
          checkHeader(id, channel, packed.start(), packed.length()), packed.written()));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Checks the header of a shard's {@code length} bytes at {@code base} in {@code channel}. */
  private ShardLayout checkHeader(ShardId id, FileChannel channel, long base, long length)
      throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(ShardFormat.HEADER);
    while (bytes.hasRemaining() && channel.read(bytes, base + bytes.position()) >= 0) {
      // reads until the header is in or the file ends
    }
    ShardFormat.Header header;
    try {
      header = ShardFormat.readHeader(bytes.flip());
    } catch (IllegalArgumentException e) {
      throw corrupt(id, e.getMessage());
    }
    if (!header.id().equals(id)) {
      throw corrupt(id, "its header names shard " + header.id());
    }
    long expected = ShardFormat.fileLength(header.layout());
    if (length != expected) {
      throw corrupt(id, "the file has " + length + " bytes, not " + expected);
    }
    return header.layout();
  }

  @Override
  public Optional<Placed> whereIs(ShardId id) throws IOException {
    Optional<Packed> packed = packs.get(id);
    if (packed.isPresent()) {
      return Optional.of(packs.placed(packed.get()));
    }
    try {
      return Optional.of(new Placed(pathOf(id), 0, Files.size(pathOf(id))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  static SortedMap<ShardId, Placed> inspect(Path root) throws IOException {
    SortedMap<ShardId, Placed> placed = new TreeMap<>();
    Path shards = root.resolve("shards");
    if (Files.isDirectory(shards)) {
      ShardPaths.scan(shards,
          (id, file) -> placed.put(id, new Placed(file, 0, Files.size(file))));
    }
    Path packs = root.resolve("packs");
    ShardPacks.inspect(packs)
        .forEach((id, packed) -> placed.put(id, ShardPacks.placed(packs, packed)));
    return placed;
  }

  @Override
  public List<Integer> held(ContentHash hash) {
    return index.indexesOf(hash);
  }

  @Override
  public boolean delete(ShardId id) throws IOException {
    Path file = pathOf(id);
    synchronized (lockOf(id)) {
      unindex(id);
      try {
        boolean dropped = packs.drop(id, true);
        boolean deleted = Files.deleteIfExists(file);
        if (deleted) {
          DiskStorage.forceDirectory(file.getParent());
        }
        return dropped || deleted;
      } catch (IOException e) {
        throw DiskStorage.failed("shard " + id, e);
      }
    }
  }

  @Override
  public void quarantine(ShardId id) throws IOException {
    Path file = pathOf(id);
    Path aside = corrupt.resolve(id + "." + System.currentTimeMillis());
    synchronized (lockOf(id)) {
      unindex(id);
      try {
        Optional<Packed> packed = packs.get(id);
        if (packed.isPresent()) {
          copyOut(packed.get(), aside, false);
          packs.drop(id, false);
          log.log(WARNING, () -> "copied shard " + id + " out of its pack, aside to " + aside);
          if (Files.exists(file)) {
            reindex(id); // a copy that lost a race to the packed one is the shard now
          }
          return;
        }
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        DiskStorage.forceDirectory(file.getParent());
        log.log(WARNING, () -> "moved shard " + id + " aside to " + aside);
      } catch (NoSuchFileException e) {
        // Gone already, by another reader that found it corrupt, or a delete.
      } catch (IOException e) {
        throw DiskStorage.failed("shard " + id, e);
      }
    }
  }

  @Override
  public List<ShardId> list(Optional<ShardId> after, int limit) {
    checkLimit(limit);
    return index.list(after, limit);
  }

  @Override
  public List<Listed> listed(Optional<ShardId> after, int limit) throws IOException {
    List<Listed> page = new ArrayList<>();
    for (ShardId id : list(after, limit)) {
      describe(id).ifPresent(page::add);
    }
    return page;
  }

  /** Shard {@code id} as listed: its layout from memory once read, its written time now. */
  private Optional<Listed> describe(ShardId id) throws IOException {
    Optional<ShardLayout> known = packs.get(id).map(Packed::layout)
        .orElseGet(() -> Optional.ofNullable(layouts.get(id)));
    if (known.isEmpty()) {
      // Under the lock, so that a store replacing the file cannot slip in before the put.
      synchronized (lockOf(id)) {
        try (ShardFile file = open(id).orElse(null)) {
          if (file == null) {
            return Optional.empty();
          }
          if (!packs.learn(id, file.layout())) {
            layouts.put(id, file.layout());
          }
          return Optional.of(new Listed(id, file.layout(), file.written()));
        } catch (CorruptShardException e) {
          return Optional.empty(); // quarantined on the way: no longer held, so not listed
        }
      }
    }
    // Empty when held or deleted since it was listed.
    return writtenOf(id).map(written -> new Listed(id, known.get(), written));
  }

  /** When shard {@code id} was last written; empty when it is not here. */
  private Optional<Instant> writtenOf(ShardId id) throws IOException {
    Optional<Packed> packed = packs.get(id);
    if (packed.isPresent()) {
      return Optional.of(packed.get().written());
    }
    try {
      return Optional.of(Files.getLastModifiedTime(pathOf(id)).toInstant());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw DiskStorage.failed("shard " + id, e);
    }
  }

  private void unindex(ShardId id) {
    index.remove(id);
    layouts.remove(id);
  }

  private void reindex(ShardId id) {
    layouts.remove(id);
    index.add(id);
  }

  /**
   * Decides and moves each shard under its own lock. The moves are not forced: a crash can only
   * undo some, since a rename is atomic, and an undone hold is a shard back in place, written at
   * its hold time, which no content names any more: a later pass collects it again. Forcing two
   * directories per shard cost the stores that run beside a collection their own forces' turn at
   * the disk (benchmarks.md, section 23).
   */
  @Override
  public Map<ShardId, Hold> hold(List<ShardId> ids, Instant writtenBefore) throws IOException {
    requireNonNull(writtenBefore, "writtenBefore");
    Map<ShardId, Hold> answers = new LinkedHashMap<>();
    for (ShardId id : ids) {
      // A repeated id keeps its first answer: a second look would find it gone, and call a shard
      // just held absent.
      if (!answers.containsKey(id)) {
        answers.put(id, holdOne(id, writtenBefore));
      }
    }
    return answers;
  }

  private Hold holdOne(ShardId id, Instant writtenBefore) throws IOException {
    Path file = pathOf(id);
    synchronized (lockOf(id)) {
      try {
        Optional<Instant> written = writtenOf(id);
        if (written.isEmpty()) {
          unindex(id);
          return Hold.ABSENT;
        }
        if (!written.get().isBefore(writtenBefore)) {
          return Hold.WRITTEN_SINCE;
        }
        Optional<Packed> packed = packs.get(id);
        if (packed.isPresent()) {
          holdPacked(id, packed.get());
        } else {
          holding.take(id, file, now());
        }
      } catch (NoSuchFileException e) {
        unindex(id);
        return Hold.ABSENT;
      } catch (IOException e) {
        throw DiskStorage.failed("shard " + id, e);
      }
      unindex(id);
      log.log(INFO, () -> "held shard " + id + " for a collection");
      return Hold.HELD;
    }
  }

  /**
   * Holds a shard kept in a pack as a file of its own, like any other: the file is forced before
   * the pack drops the shard, for the drop may be forced with the next store, and the file must
   * not be lost then.
   */
  private void holdPacked(ShardId id, Packed packed) throws IOException {
    Path copy = temp.resolve(UUID.randomUUID() + PARTIAL_SUFFIX);
    copyOut(packed, copy, true);
    holding.take(id, copy, now());
    holding.forceHeld(id);
    packs.drop(id, false);
    Files.deleteIfExists(pathOf(id)); // a copy that lost a race to the packed one
  }

  /** Writes the bytes of {@code packed} to a new file, {@code target}. */
  private void copyOut(Packed packed, Path target, boolean force) throws IOException {
    try (FileChannel in = packs.openForReading(packed);
        FileChannel out = FileChannel.open(target, CREATE_NEW, WRITE)) {
      for (long done = 0; done < packed.length(); ) {
        long n = in.transferTo(packed.start() + done, packed.length() - done, out);
        if (n <= 0) {
          throw new EOFException(target + ": its pack ends inside it");
        }
        done += n;
      }
      if (force) {
        out.force(true);
      }
    }
  }

  @Override
  public SortedMap<ShardId, Instant> listHeld(Optional<ShardId> after, int limit) {
    checkLimit(limit);
    return holding.list(after, limit);
  }

  @Override
  public boolean restore(ShardId id) throws IOException {
    Path target = pathOf(id);
    synchronized (lockOf(id)) {
      try {
        if (Files.exists(target) || packs.get(id).isPresent()) {
          // Stored again since it was held: the copy in place is as good, and newer.
          return holding.drop(id);
        }
        if (!holding.putBack(id, target, now())) {
          return false;
        }
      } catch (IOException e) {
        throw DiskStorage.failed("shard " + id, e);
      }
      reindex(id);
      log.log(INFO, () -> "restored held shard " + id);
      return true;
    }
  }

  @Override
  public int purgeHeld() throws IOException {
    Instant cutoff = clock.instant().minus(holdFor);
    int purged = 0;
    for (ShardId id : holding.heldBy(cutoff)) {
      synchronized (lockOf(id)) {
        // Restored, or held again, since the list was taken: then it is not due.
        if (holding.heldAt(id).filter(at -> !at.isAfter(cutoff)).isEmpty()) {
          continue;
        }
        try {
          holding.drop(id);
        } catch (IOException e) {
          throw DiskStorage.failed("held shard " + id, e);
        }
        purged++;
        log.log(INFO, () -> "deleted shard " + id + " for good: held longer than " + holdFor);
      }
    }
    return purged;
  }

  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      uploads.forEach(DiskShardUpload::close);
      writeback.close();
      readAhead.shutdown(); // not interrupted: that would close a reader's file under it
      packs.close();
    }
  }

  @Override
  public String toString() {
    return "DiskShardStore(" + shards.getParent() + ")";
  }

  /**
   * Makes {@code file}, whose records follow room for a header, shard {@code id}: writes the
   * header, forces the file, closes {@code channel} and installs the file. Returns whether the
   * shard was stored already (the file is then deleted). For an upload and a resumable upload.
   */
  boolean commit(ShardId id, ShardLayout layout, FileChannel channel, Path file)
      throws IOException {
    ByteBuffer header = ShardFormat.header(id, layout);
    try {
      while (header.hasRemaining()) {
        channel.write(header, header.position());
      }
      channel.force(true);
      channel.close();
      return install(id, file);
    } catch (IOException e) {
      throw DiskStorage.failed("shard " + id, e);
    }
  }

  /**
   * Renames a forced temporary file into place, unless the shard is stored already; returns
   * whether it was. Either way the shard is written now, under the lock {@link #hold} takes: a
   * collection that began before can no longer hold it.
   */
  boolean install(ShardId id, Path partial) throws IOException {
    Path target = pathOf(id);
    synchronized (lockOf(id)) {
      FileTime now = now();
      if (kept(id, now)) {
        Files.deleteIfExists(partial);
        return true;
      }
      // Before the rename, so that the shard appears in place with its written time.
      ShardPaths.setWritten(partial, now);
      ShardPaths.move(partial, target);
      reindex(id);
      return false;
    }
  }

  /**
   * Makes {@code record}, a pack record's room and then a shard's file, shard {@code id} of
   * {@code layout}, in a pack, durably, unless the shard is stored already; returns whether it
   * was. As {@link #install}, the shard is written now either way. The pack is forced outside the
   * shard's lock, so that stores of shards that share a lock share a force too.
   */
  boolean commitPacked(ShardId id, ByteBuffer record, ShardLayout layout) throws IOException {
    FileTime now = now();
    try {
      synchronized (lockOf(id)) {
        if (kept(id, now)) {
          return true;
        }
      }
      return installPacked(id, packs.write(id, record, now.toInstant(), layout), now);
    } catch (IOException e) {
      throw DiskStorage.failed("shard " + id, e);
    }
  }

  /**
   * As {@link #commitPacked}, but returns once the record is appended: the future completes as
   * that returns, once the pack is forced on {@code executor} with the records of other stores,
   * or fails with what it throws.
   */
  CompletableFuture<Boolean> commitPackedLater(ShardId id, ByteBuffer record, ShardLayout layout,
      Executor executor) {
    FileTime now = now();
    try {
      synchronized (lockOf(id)) {
        if (kept(id, now)) {
          return CompletableFuture.completedFuture(true);
        }
      }
      return packs.writeLater(id, record, now.toInstant(), layout, executor)
          .thenApply(packed -> {
            try {
              return installPacked(id, packed, now);
            } catch (IOException e) {
              throw new CompletionException(e);
            }
          })
          .exceptionallyCompose(e -> CompletableFuture.failedFuture(failed(id, e)));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(DiskStorage.failed("shard " + id, e));
    }
  }

  /** What a store of shard {@code id} that failed with {@code e}, maybe wrapped, throws. */
  private static Throwable failed(ShardId id, Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null
        ? e.getCause() : e;
    return cause instanceof IOException io ? DiskStorage.failed("shard " + id, io) : cause;
  }

  /**
   * Makes {@code packed}, written and forced, shard {@code id} unless a file of it came in
   * meanwhile; returns whether the shard was stored already.
   */
  private boolean installPacked(ShardId id, Packed packed, FileTime now) throws IOException {
    synchronized (lockOf(id)) {
      // Looked up once: every store comes here, and a lookup in a big index is a cache miss or two.
      boolean stored = index.contains(id);
      if (stored && packs.get(id).isEmpty() && kept(id, now)) {
        packs.discard(id, packed); // a file of it came in meanwhile, and stays
        return true;
      }
      // A packed copy that came in meanwhile has the same bytes: this one replaces it.
      packs.commit(id, packed);
      reindex(id);
      return stored;
    }
  }

  /**
   * Whether shard {@code id} is here, and then marks it written at {@code now}. Under its lock.
   * The index holds every shard in place but files removed by hand, so a shard it lacks is new,
   * and no file need be looked for: new content is the common case.
   */
  private boolean kept(ShardId id, FileTime now) throws IOException {
    if (!index.contains(id)) {
      return false;
    }
    if (packs.get(id).isPresent()) {
      packs.touch(id, now.toInstant());
      reindex(id);
      return true;
    }
    try {
      Files.setLastModifiedTime(pathOf(id), now);
      reindex(id);
      return true;
    } catch (NoSuchFileException e) {
      unindex(id); // removed by hand: the new copy becomes the shard
      return false;
    }
  }

  /** Called once by each upload as it ends, committed or not. */
  void ended(DiskShardUpload upload) {
    if (uploads.remove(upload)) {
      uploadSlots.release();
    }
  }

  /** Quarantines a shard and returns the exception that says so. */
  CorruptShardException corrupt(ShardId id, String what) throws IOException {
    quarantine(id);
    return new CorruptShardException(id, what);
  }

  private Path pathOf(ShardId id) {
    return ShardPaths.of(shards, id);
  }

  private FileTime now() {
    return ShardPaths.stamp(clock.instant());
  }

  private static void checkLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit (" + limit + ") is negative");
    }
  }

  private Object lockOf(ShardId id) {
    return directoryLocks[id.hash().firstByte()];
  }

  private void removeDeadUploads() throws IOException {
    try (DirectoryStream<Path> partials =
        Files.newDirectoryStream(temp, "*" + PARTIAL_SUFFIX)) {
      for (Path partial : partials) {
        Files.deleteIfExists(partial);
        log.log(INFO, () -> "removed the leftover of an interrupted shard upload: " + partial);
      }
    }
  }
}
