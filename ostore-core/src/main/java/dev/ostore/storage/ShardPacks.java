package dev.ostore.storage;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.ostore.ShardId;
import dev.ostore.storage.PackFormat.Header;
import dev.ostore.storage.PackFormat.Kind;
import dev.ostore.storage.PackFormat.Location;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Small shards kept back to back in a few big files, packs ({@code <n>.pack}), rather than a file
 * each: storing one appends a record and forces the pack once for every store that appended
 * meanwhile (group commit), where a file of its own costs its creation, two forces and a rename
 * (benchmarks.md, sections 28 and 30). The shards held are indexed in memory, rebuilt as the
 * packs open: a full pack, sealed, from the headers of its records kept beside it ({@link
 * PackIndex}, written on a thread of its own once it is sealed), any other by replaying it; a
 * torn record at the end of the last pack, what a crash during an append leaves, is cut off
 * then. A pack whose live shards fill less than half of it is compacted on a thread of its own:
 * its live records are copied into the pack being appended to, which is forced, and then it is
 * deleted.
 *
 * <p>Callers change one shard at a time under a lock of theirs that {@code lockOf} gives, which
 * compaction takes too before it moves a shard.
 */
final class ShardPacks implements AutoCloseable {
  private static final Logger log = System.getLogger(ShardPacks.class.getName());
  /** The most bytes of blocks a shard kept in a pack may have; bigger ones get files. */
  static final int MAX_SHARD = 64 * 1024;
  /** A pack takes records until it is this long, then a new one is begun. */
  static final long PACK_SIZE = 64L << 20;
  private static final String SUFFIX = ".pack";
  /**
   * How far past its records a pack is filled with zeros at a time, so that records are written
   * within the file: forcing one then writes its pages alone, not the file's new length too.
   */
  static final int ROOM = 1 << 20;
  /**
   * What a pack's room is written with, a piece at a time; read-only, and direct, so that no
   * write copies it. Pieces of 64 KiB, not 1 MiB: the page cache keeps a write's pages as one
   * folio, and the kernel walks all of a folio's blocks for each record written into it.
   */
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();
  private static final int SHARED_LAYOUTS = 4096;

  /**
   * A shard in a pack: where its record starts, its file's length, when it was written (to the
   * millisecond, as its record keeps it), and its layout once known (null until then: a shard
   * found at open is not read for it). Numbers rather than a {@link Location} and an {@link
   * Instant}: a data server holds one of these for every small shard, 32 bytes fewer each. The
   * layout here, one instance for shards alike, spares a listing of every shard a map of layouts
   * beside this one: about 70 bytes a shard.
   */
  record Packed(int pack, long offset, int length, long writtenMillis, ShardLayout knownLayout) {
    Packed(Location at, int length, Instant written, ShardLayout knownLayout) {
      this(at.pack(), at.offset(), length, written.toEpochMilli(), knownLayout);
    }

    Location at() {
      return new Location(pack, offset);
    }

    Instant written() {
      return Instant.ofEpochMilli(writtenMillis);
    }

    Optional<ShardLayout> layout() {
      return Optional.ofNullable(knownLayout);
    }

    Packed writtenAt(Instant time) {
      return new Packed(pack, offset, length, time.toEpochMilli(), knownLayout);
    }

    Packed withLayout(ShardLayout layout) {
      return new Packed(pack, offset, length, writtenMillis, layout);
    }

    long recordLength() {
      return PackFormat.HEADER + (long) length;
    }

    /** Where the shard's bytes begin in its pack: past its record's header. */
    long start() {
      return offset + PackFormat.HEADER;
    }
  }

  private final Path directory;
  private final long packSize;
  private final Function<ShardId, Object> lockOf;
  private final Map<ShardId, Packed> live = new ConcurrentHashMap<>();
  /**
   * One instance of each layout that packed shards have, up to {@value #SHARED_LAYOUTS} of them:
   * small objects come in few sizes, and their shards then hold one layout between them.
   */
  private final Map<ShardLayout, ShardLayout> layouts = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<Integer, Pack> packs = new ConcurrentSkipListMap<>();
  private final Set<Integer> compacting = ConcurrentHashMap.newKeySet();
  private final ExecutorService compactor;
  /** Guards {@link #current} and the appends to it. */
  private final Object appendLock = new Object();
  /** Held while a pack is forced, sealed or closed, so that none is closed under a force. */
  private final Object forceLock = new Object();
  /** Guards {@link #round}; held for no I/O. */
  private final Object roundLock = new Object();
  /** The force of {@link #force} under way, completed when it ends; null when none is. */
  private CompletableFuture<Void> round;
  /** Records of {@link #writeLater} waiting for a force, in the order appended. */
  private final List<Waiting> waiting = new ArrayList<>();
  /** Whether a task of {@link #forceWaiting} is running or about to: guarded by roundLock. */
  private boolean forcing;
  private Pack current;
  /** Set once replayed: compaction waits for the index to be whole. */
  private volatile boolean started;
  private volatile boolean closed;

  private ShardPacks(Path directory, long packSize, Function<ShardId, Object> lockOf) {
    this.directory = directory;
    this.packSize = packSize;
    this.lockOf = lockOf;
    this.compactor = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "pack-compaction " + directory);
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Opens the packs in {@code directory}, creating it if need be, and replays them; a pack takes
   * records up to {@code packSize} bytes, and shards are locked by {@code lockOf}.
   */
  static ShardPacks open(Path directory, long packSize, Function<ShardId, Object> lockOf)
      throws IOException {
    ShardPacks opened = new ShardPacks(Files.createDirectories(directory), packSize, lockOf);
    opened.register();
    opened.deleteStrayIndexes();
    long start = System.nanoTime();
    long bytes = 0;
    List<Pack> replayed = new ArrayList<>();
    for (Pack pack : opened.packs.values()) {
      if (!opened.replayIndex(pack)) {
        opened.replay(pack, pack == opened.packs.lastEntry().getValue());
        bytes += pack.size;
        replayed.add(pack);
      }
    }
    long read = bytes;
    int fromIndexes = opened.packs.size() - replayed.size();
    log.log(INFO, () -> "read " + opened.packs.size() + " packs in " + directory + " ("
        + fromIndexes + " from their indexes, " + read + " bytes of the rest, "
        + opened.live.size() + " shards) in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    Pack last = opened.packs.isEmpty() ? null : opened.packs.lastEntry().getValue();
    opened.current = last == null ? opened.begin(1)
        : last.size >= packSize ? opened.begin(last.number + 1) : last.openForAppends();
    opened.started = true;
    for (Pack pack : replayed) {
      if (pack != opened.current) {
        opened.indexLater(pack);
      }
    }
    opened.packs.keySet().forEach(opened::compactIfSparse);
    return opened;
  }

  /**
   * The shards the packs in {@code directory} hold, read without changing a byte: no torn tail
   * is cut, nothing compacted, so that it may run beside a store appending to them (whose
   * appends in flight it may miss).
   */
  static Map<ShardId, Packed> inspect(Path directory) throws IOException {
    ShardPacks read = new ShardPacks(directory, PACK_SIZE, id -> id);
    if (Files.isDirectory(directory)) {
      read.register();
      for (Pack pack : read.packs.values()) {
        read.replay(pack, false);
      }
    }
    read.compactor.shutdown();
    return read.live;
  }

  /** The shards held, each with where it is. */
  Map<ShardId, Packed> live() {
    return live;
  }

  Optional<Packed> get(ShardId id) {
    return Optional.ofNullable(live.get(id));
  }

  /**
   * Keeps {@code layout}, read from shard {@code id}'s record, with the shard, unless it moved
   * or went meanwhile; false when the shard is not in a pack. Under the shard's lock.
   */
  boolean learn(ShardId id, ShardLayout layout) {
    Packed packed = live.get(id);
    if (packed == null) {
      return false;
    }
    live.replace(id, packed, packed.withLayout(shared(layout)));
    return true;
  }

  /** {@code layout}, or an equal one kept already: see {@link #layouts}. */
  private ShardLayout shared(ShardLayout layout) {
    ShardLayout kept = layouts.get(layout);
    if (kept == null && layouts.size() < SHARED_LAYOUTS) {
      kept = layouts.putIfAbsent(layout, layout);
    }
    return kept != null ? kept : layout;
  }

  /**
   * Appends a store record of {@code id}, and forces it: {@code record} holds the shard's file
   * after {@link PackFormat#HEADER} bytes of room. The shard is live only once {@link #commit}ted;
   * until then, or until {@link #discard}ed, its pack is not compacted.
   */
  Packed write(ShardId id, ByteBuffer record, Instant written, ShardLayout layout)
      throws IOException {
    PackFormat.putHeader(record, Kind.STORE, id, written, Location.NONE);
    Appended appended = append(record, true);
    try {
      force(appended);
    } catch (IOException e) {
      settled(appended.pack());
      throw e;
    }
    return new Packed(appended.at(), record.limit() - PackFormat.HEADER, written,
        shared(layout));
  }

  /**
   * As {@link #write}, but the caller does not wait for the force: the record is appended now,
   * and the future completes with it once forced, or fails with the force's error. The forces
   * run on {@code executor}, one task at a time, each round covering every record appended
   * before it began, so that stores from threads that do not wait share forces without a thread
   * parked per store.
   */
  CompletableFuture<Packed> writeLater(ShardId id, ByteBuffer record, Instant written,
      ShardLayout layout, Executor executor) throws IOException {
    PackFormat.putHeader(record, Kind.STORE, id, written, Location.NONE);
    Appended appended = append(record, true);
    Packed packed = new Packed(appended.at(), record.limit() - PackFormat.HEADER, written,
        shared(layout));
    CompletableFuture<Void> forced = new CompletableFuture<>();
    boolean start;
    synchronized (roundLock) {
      waiting.add(new Waiting(appended, forced));
      start = !forcing;
      forcing = true;
    }
    if (start) {
      try {
        executor.execute(this::forceWaiting);
      } catch (RejectedExecutionException e) {
        forceWaiting(); // a pool closing: this thread forces
      }
    }
    return forced.handle((done, failure) -> {
      if (failure != null) {
        settled(appended.pack());
        throw new CompletionException(failure);
      }
      return packed;
    });
  }

  /** A record of {@link #writeLater} and the future its force completes. */
  private record Waiting(Appended appended, CompletableFuture<Void> forced) {}

  /**
   * Forces the packs of the records waiting, and completes their futures, in rounds until none
   * waits. A round forces every record appended so far, not only those it took: those appended
   * meanwhile find themselves forced when the next begins, so that under load one thread
   * forces round after round, and no store waits for a thread to be woken to force it.
   */
  private void forceWaiting() {
    while (true) {
      List<Waiting> round;
      synchronized (roundLock) {
        if (waiting.isEmpty()) {
          forcing = false;
          return;
        }
        round = List.copyOf(waiting);
        waiting.clear();
      }
      Exception failure = null;
      try {
        synchronized (forceLock) {
          for (Waiting each : round) { // mostly one pack; two when one was sealed meanwhile
            forceThrough(each.appended());
          }
        }
      } catch (IOException | RuntimeException e) { // each store hears it; none waits forever
        failure = e;
      }
      for (Waiting each : round) {
        if (failure == null) {
          each.forced().complete(null);
        } else {
          each.forced().completeExceptionally(failure);
        }
      }
    }
  }

  /** Makes {@code packed}, {@link #write}n for {@code id}, the shard held. Under its lock. */
  void commit(ShardId id, Packed packed) {
    put(id, packed);
    settled(pack(packed));
  }

  /**
   * Drops {@code packed}, {@link #write}n for {@code id} but never committed: a copy that lost a
   * race to a file of the shard. Not forced: a crash that undoes it leaves a copy of the same
   * bytes.
   */
  void discard(ShardId id, Packed packed) throws IOException {
    try {
      append(PackFormat.bare(Kind.DROP, id, Instant.EPOCH, packed.at()), false);
    } finally {
      settled(pack(packed));
    }
  }

  /** One write into {@code pack} was committed or given up: it may be compacted once none is. */
  private void settled(Pack pack) {
    pack.pending.decrementAndGet();
    compactIfSparse(pack.number);
  }

  /** Makes {@code packed}, in a pack, the shard {@code id} held. */
  private void put(ShardId id, Packed packed) {
    Packed before = live.put(id, packed);
    if (before != null) {
      dead(before);
    }
    pack(packed).live.addAndGet(packed.recordLength());
  }

  /** Records that {@code id}, held, was written again at {@code time}; not forced. */
  void touch(ShardId id, Instant time) throws IOException {
    Packed packed = live.get(id);
    if (packed != null) {
      append(PackFormat.bare(Kind.TOUCH, id, time, packed.at()), false);
      live.put(id, packed.writtenAt(time));
    }
  }

  /** Drops shard {@code id}, forced when {@code durably}; false when it is not held. */
  boolean drop(ShardId id, boolean durably) throws IOException {
    Packed packed = live.get(id);
    if (packed == null) {
      return false;
    }
    // Appended first: a drop that fails to be recorded leaves the shard held, as on disk.
    Appended appended = append(PackFormat.bare(Kind.DROP, id, Instant.EPOCH, packed.at()), false);
    live.remove(id);
    dead(packed);
    if (durably) {
      force(appended);
    }
    return true;
  }

  /** Opens the pack that holds {@code packed} for reading; gone if compacted meanwhile. */
  FileChannel openForReading(Packed packed) throws IOException {
    return FileChannel.open(fileOf(packed), READ);
  }

  /** The pack that holds {@code packed}. */
  Path fileOf(Packed packed) {
    return fileOf(directory, packed);
  }

  /** The pack in {@code directory} that holds {@code packed}. */
  static Path fileOf(Path directory, Packed packed) {
    return pathOf(directory, packed.pack());
  }

  /** Where the bytes of {@code packed} lie. */
  ShardStore.Placed placed(Packed packed) {
    return placed(directory, packed);
  }

  /** Where the bytes of {@code packed}, in a pack in {@code directory}, lie. */
  static ShardStore.Placed placed(Path directory, Packed packed) {
    return new ShardStore.Placed(fileOf(directory, packed), packed.start(), packed.length());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    compactor.shutdownNow();
    synchronized (appendLock) {
      synchronized (forceLock) {
        try {
          current.close();
        } catch (IOException e) {
          log.log(WARNING, () -> "could not close " + current.file + ": " + e);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "ShardPacks(" + directory + ")";
  }

  /** Finds the packs in the directory. */
  private void register() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path file : files) {
        int number = parse(file);
        packs.put(number, new Pack(number, file));
      }
    }
  }

  /** Deletes what an index being written, or one whose pack was compacted, left at a stop. */
  private void deleteStrayIndexes() throws IOException {
    Set<Path> kept = new HashSet<>();
    packs.keySet().forEach(number -> kept.add(indexOf(number)));
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory,
        "*" + PackIndex.SUFFIX + "*")) {
      for (Path file : files) {
        if (!kept.contains(file)) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private Pack pack(Packed packed) {
    return packs.get(packed.pack());
  }

  private void dead(Packed packed) {
    Pack pack = pack(packed);
    if (pack != null) {
      pack.live.addAndGet(-packed.recordLength());
      compactIfSparse(pack.number);
    }
  }

  /** Where a record was appended, and how far its pack then held records. */
  private record Appended(Pack pack, Location at, long end) {}

  /**
   * Appends {@code record} to the current pack; one that is {@code pending} keeps the pack from
   * compaction until {@link #settled}.
   */
  private Appended append(ByteBuffer record, boolean pending) throws IOException {
    synchronized (appendLock) {
      if (closed) {
        throw new IOException(this + " is closed");
      }
      if (current.size >= packSize) {
        seal(current);
        indexLater(current);
        current = begin(current.number + 1);
      }
      Pack pack = current;
      long offset = pack.size;
      makeRoom(pack, offset + record.limit());
      ByteBuffer bytes = record.duplicate().position(0);
      while (bytes.hasRemaining()) {
        pack.channel().write(bytes, offset + bytes.position());
      }
      pack.size = offset + record.limit();
      if (pending) {
        pack.pending.incrementAndGet();
      }
      return new Appended(pack, new Location(pack.number, offset), pack.size);
    }
  }

  /**
   * Forces the pack of {@code appended} at least up to its record's end. One thread forces at a
   * time, every record appended so far at once; those that come meanwhile wait for its round to
   * end all together, then find their records forced or take the next round. Waiting on a lock
   * instead, they were woken one after another, each a thread switch, which this VM makes dear.
   */
  private void force(Appended appended) throws IOException {
    Pack pack = appended.pack();
    while (pack.forced < appended.end()) {
      CompletableFuture<Void> underWay;
      synchronized (roundLock) {
        underWay = round;
        if (underWay == null) {
          round = new CompletableFuture<>();
        }
      }
      if (underWay != null) {
        underWay.join();
        continue;
      }
      try {
        synchronized (forceLock) {
          forceThrough(appended);
        }
      } finally {
        CompletableFuture<Void> done;
        synchronized (roundLock) {
          done = round;
          round = null;
        }
        done.complete(null);
      }
    }
  }

  /**
   * Fills {@code pack} with zeros, {@link #ROOM} bytes at a time, until it is at least {@code end}
   * bytes long. Under the append lock. Measured in docs/benchmarks.md, section 40: a forced 4 KiB
   * append within the file takes about 0.6 of the time and half the kernel's CPU here.
   */
  private static void makeRoom(Pack pack, long end) throws IOException {
    while (pack.room < end) {
      for (long until = pack.room + ROOM; pack.room < until; ) {
        pack.room += pack.channel().write(ZEROS.duplicate(), pack.room);
      }
    }
  }

  /** Forces the pack of {@code appended} unless its record is forced already. Under forceLock. */
  private static void forceThrough(Appended appended) throws IOException {
    Pack pack = appended.pack();
    if (pack.forced < appended.end()) {
      long end = pack.size; // every record appended so far is written: all are forced
      pack.channel().force(false);
      pack.forced = end;
    }
  }

  /** Forces a full pack and closes it for appends. Under the append lock. */
  private void seal(Pack pack) throws IOException {
    synchronized (forceLock) {
      pack.channel().truncate(pack.size); // what a failed append left past the last record
      pack.channel().force(false);
      pack.forced = pack.size;
      pack.close();
    }
  }

  private Pack begin(int number) throws IOException {
    Pack pack = new Pack(number, pathOf(number));
    pack.channel = FileChannel.open(pack.file, CREATE_NEW, WRITE);
    DiskStorage.forceDirectory(directory);
    packs.put(number, pack);
    return pack;
  }

  private void compactIfSparse(int number) {
    Pack pack = packs.get(number);
    if (pack == null || !started || closed || pack == currentPack() || pack.pending.get() > 0
        || pack.live.get() * 2 >= pack.size || !compacting.add(number)) {
      return;
    }
    compactor.execute(() -> {
      try {
        compact(pack);
      } catch (IOException | RuntimeException e) {
        log.log(ERROR, () -> "could not compact " + pack.file + ": " + e, e);
      } finally {
        compacting.remove(number);
      }
    });
  }

  private Pack currentPack() {
    synchronized (appendLock) {
      return current;
    }
  }

  /**
   * Copies the live shards of {@code pack} forward, and the touches and drops in it that apply
   * to other packs still there; forces them; deletes the pack.
   */
  private void compact(Pack pack) throws IOException {
    long size = pack.size;
    long liveBefore = pack.live.get();
    Appended last = null;
    try (FileChannel in = FileChannel.open(pack.file, READ)) {
      for (Map.Entry<ShardId, Packed> entry : live.entrySet()) {
        if (entry.getValue().pack() == pack.number) {
          last = moved(entry.getKey(), pack.number, in, last);
        }
      }
      last = carryForward(pack, in, last);
    }
    if (last != null) {
      force(last);
    }
    packs.remove(pack.number);
    Files.deleteIfExists(indexOf(pack.number)); // first: an index never outlives its pack
    Files.deleteIfExists(pack.file);
    DiskStorage.forceDirectory(directory);
    log.log(INFO, () -> "compacted " + pack.file + ": " + size + " bytes, " + liveBefore
        + " of them live, moved to pack " + currentPack().number);
  }

  /** Copies shard {@code id} out of the pack {@code in} reads, if it is still there. */
  private Appended moved(ShardId id, int from, FileChannel in, Appended last) throws IOException {
    synchronized (lockOf.apply(id)) {
      Packed packed = live.get(id);
      if (packed == null || packed.pack() != from) {
        return last; // dropped or moved meanwhile
      }
      ByteBuffer record = ByteBuffer.allocate((int) packed.recordLength());
      readFully(in, record, packed.offset());
      PackFormat.putHeader(record.clear(), Kind.STORE, id, packed.written(), Location.NONE);
      Appended appended = append(record, false);
      put(id, new Packed(appended.at(), packed.length(), packed.written(),
          packed.knownLayout()));
      return appended;
    }
  }

  /**
   * Appends again what the touches and drops of {@code pack} still say about other packs: a
   * drop of a shard in an older pack would otherwise be undone by the next replay.
   */
  private Appended carryForward(Pack pack, FileChannel in, Appended last) throws IOException {
    try (Records records = new Records(in)) {
      for (Header header; (header = records.next()) != null; ) {
        Location target = header.target();
        if (header.kind() == Kind.STORE || target.pack() == pack.number
            || !packs.containsKey(target.pack())) {
          continue;
        }
        synchronized (lockOf.apply(header.id())) {
          Packed packed = live.get(header.id());
          if (header.kind() == Kind.DROP) {
            last = append(PackFormat.bare(Kind.DROP, header.id(), Instant.EPOCH, target), false);
          } else if (packed != null && packed.at().equals(target)) {
            last = append(PackFormat.bare(Kind.TOUCH, header.id(), packed.written(), target),
                false);
          }
        }
      }
    } catch (IllegalArgumentException e) {
      log.log(WARNING, () -> "compacting " + pack.file + ": stopped at a damaged record: "
          + e.getMessage());
    }
    return last;
  }

  /**
   * Rebuilds the index from {@code pack}'s own index file, if it has one that matches it; false
   * if not, and the pack is to be replayed.
   */
  private boolean replayIndex(Pack pack) throws IOException {
    long size = Files.size(pack.file);
    Optional<List<Header>> headers = PackIndex.read(indexOf(pack.number), size);
    if (headers.isEmpty()) {
      return false;
    }
    long at = 0;
    for (Header header : headers.get()) {
      apply(header, new Location(pack.number, at));
      at += PackFormat.HEADER + (long) header.length();
    }
    pack.size = size;
    pack.forced = size;
    return true;
  }

  /** Has {@code pack}, sealed, indexed on the compaction thread. */
  private void indexLater(Pack pack) {
    try {
      compactor.execute(() -> index(pack));
    } catch (RejectedExecutionException e) {
      // Closing: the pack is indexed at the next start.
    }
  }

  private void index(Pack pack) {
    if (closed || !packs.containsKey(pack.number)) {
      return; // compacted meanwhile
    }
    List<byte[]> headers = new ArrayList<>();
    try (FileChannel in = FileChannel.open(pack.file, READ); Records records = new Records(in)) {
      for (Header header; (header = records.next()) != null; ) {
        headers.add(records.header);
      }
      PackIndex.write(indexOf(pack.number), headers, records.start);
    } catch (IOException | IllegalArgumentException e) {
      // Not indexed, it is replayed at each start, which reports a damaged record. A close
      // interrupts this thread: the pack is indexed at the next start, with nothing to report.
      if (!closed) {
        log.log(WARNING, () -> "could not index " + pack.file + ": " + e);
      }
    }
  }

  /**
   * Rebuilds the index from {@code pack}; a torn tail of the {@code last} pack is cut off, and so
   * is its room (the zeros past its records), which appends make again.
   */
  private void replay(Pack pack, boolean last) throws IOException {
    try (FileChannel in = FileChannel.open(pack.file, READ); Records records = new Records(in)) {
      pack.size = in.size();
      try {
        for (Header header; (header = records.next()) != null; ) {
          if (!records.intact) {
            if (last && records.atEnd()) {
              throw new IllegalArgumentException("its last record fails its checksum");
            }
            // Damaged at rest, not torn: what follows was forced after it. Indexed all the same,
            // so that reading it finds it corrupt and puts it aside, as a shard file would be.
            String what = "shard " + header.id() + " in " + pack.file + " at byte "
                + records.start + " fails its record's checksum";
            log.log(WARNING, what);
          }
          apply(header, new Location(pack.number, records.start));
        }
        if (last && records.start < pack.size) {
          cut(pack, records.start);
        }
        pack.size = records.start;
      } catch (IllegalArgumentException | EOFException e) {
        long end = records.start;
        if (!last) {
          log.log(WARNING, () -> "pack " + pack.file + " is damaged at byte " + end + " ("
              + e.getMessage() + "): the records after it are not read");
          return;
        }
        log.log(WARNING, () -> "cut pack " + pack.file + " back to " + end + " bytes from "
            + pack.size + ": its last record is torn (" + e.getMessage() + ")");
        cut(pack, end);
      }
    }
    pack.forced = pack.size;
  }

  /** Cuts {@code pack} back to {@code end} bytes, durably. */
  private static void cut(Pack pack, long end) throws IOException {
    try (FileChannel cut = FileChannel.open(pack.file, WRITE)) {
      cut.truncate(end);
      cut.force(true);
    }
    pack.size = end;
  }

  private void apply(Header header, Location at) {
    Packed packed = live.get(header.id());
    switch (header.kind()) {
      case STORE -> put(header.id(), new Packed(at, header.length(), header.time(), null));
      case TOUCH -> {
        if (packed != null && packed.at().equals(header.target())) {
          live.put(header.id(), packed.writtenAt(header.time()));
        }
      }
      case DROP -> {
        if (packed != null && packed.at().equals(header.target())) {
          live.remove(header.id());
          dead(packed);
        }
      }
    }
  }

  private Path pathOf(int number) {
    return pathOf(directory, number);
  }

  private Path indexOf(int number) {
    return directory.resolve(stem(number) + PackIndex.SUFFIX);
  }

  private static Path pathOf(Path directory, int number) {
    return directory.resolve(stem(number) + SUFFIX);
  }

  /** What a pack's file and its index are named after: its number in 8 hex digits. */
  private static String stem(int number) {
    return String.format("%08x", number);
  }

  private static int parse(Path file) throws IOException {
    String name = file.getFileName().toString();
    try {
      return Integer.parseUnsignedInt(name.substring(0, name.length() - SUFFIX.length()), 16);
    } catch (NumberFormatException e) {
      throw new IOException("not a pack's name: " + file);
    }
  }

  private static void readFully(FileChannel in, ByteBuffer into, long position)
      throws IOException {
    while (into.hasRemaining()) {
      if (in.read(into, position + into.position()) < 0) {
        throw new EOFException("a pack ends inside a record at " + position);
      }
    }
  }

  /** One pack file: how far records fill it, how far they are forced, how many bytes live. */
  private static final class Pack {
    final int number;
    final Path file;
    final AtomicLong live = new AtomicLong();
    /** Stores written here and not yet committed or given up. */
    final AtomicInteger pending = new AtomicInteger();
    volatile long size;
    volatile long forced;
    /** How long the file is, zeros past {@link #size}: see {@link #makeRoom}. */
    long room;
    /** Open for appends while the pack is the current one. */
    FileChannel channel;

    Pack(int number, Path file) {
      this.number = number;
      this.file = file;
    }

    Pack openForAppends() throws IOException {
      channel = FileChannel.open(file, WRITE);
      room = channel.size();
      return this;
    }

    /**
     * The channel appends go to, opened again if an interrupt closed it: the thread interrupted
     * lost its write, and the rest must not lose theirs.
     */
    synchronized FileChannel channel() throws IOException {
      if (channel == null) {
        throw new ClosedChannelException(); // sealed or closed: a force of it must not pass
      }
      if (!channel.isOpen()) {
        channel = FileChannel.open(file, WRITE);
      }
      return channel;
    }

    synchronized void close() throws IOException {
      if (channel != null) {
        channel.close();
        channel = null;
      }
    }
  }

  /** Reads a pack's records front to back, each checked whole. */
  private static final class Records implements AutoCloseable {
    private final DataInputStream in;
    private final long size;
    /** Where the record last returned starts; after the last one, where the next would. */
    long start;
    /** Whether the record last returned has the bytes its header's checksum says. */
    boolean intact;
    /** The header last returned, as it is in the pack. */
    byte[] header;
    private long position;
    /** Where each payload is read to be checked, reused: a pack holds thousands of records. */
    private byte[] payload = new byte[0];
    /**
     * Where the zeros at the file's end begin (its room, if it has any): no record starts there
     * or after, since each begins with its magic.
     */
    private final long zerosFrom;

    Records(FileChannel channel) throws IOException {
      this.size = channel.size();
      this.zerosFrom = zerosFrom(channel, size);
      this.in = new DataInputStream(new BufferedInputStream(
          Channels.newInputStream(channel.position(0)), 1 << 20));
    }

    /** Where the zeros that end the first {@code size} bytes of {@code channel} begin. */
    private static long zerosFrom(FileChannel channel, long size) throws IOException {
      ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
      for (long end = size; end > 0; ) {
        long from = Math.max(0, end - chunk.capacity());
        chunk.clear().limit((int) (end - from));
        while (chunk.hasRemaining() && channel.read(chunk, from + chunk.position()) >= 0) {
          // An inspection may see a pack cut back meanwhile: what is gone reads as zeros.
        }
        for (int i = chunk.position() - 1; i >= 0; i--) {
          if (chunk.get(i) != 0) {
            return from + i + 1;
          }
        }
        end = from;
      }
      return 0;
    }

    /** Whether nothing but zeros, if anything, follows the record last returned. */
    boolean atEnd() {
      return position >= zerosFrom;
    }

    /**
     * The next record's header, null at the end; {@link #intact} says whether its payload passed
     * its checksum. A header that is damaged or runs past the end is an
     * IllegalArgumentException.
     */
    Header next() throws IOException {
      start = position;
      if (atEnd()) {
        return null;
      }
      header = new byte[PackFormat.HEADER];
      in.readFully(header);
      Header read = PackFormat.readHeader(ByteBuffer.wrap(header));
      if (read.length() < 0 || read.length() > size - position - PackFormat.HEADER) {
        throw new IllegalArgumentException("a record of " + read.length()
            + " bytes runs past the pack's end");
      }
      if (payload.length < read.length()) {
        payload = new byte[read.length()];
      }
      in.readFully(payload, 0, read.length());
      intact = PackFormat.crc(ByteBuffer.wrap(payload, 0, read.length())) == read.crc();
      position += PackFormat.HEADER + read.length();
      return read;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
