package dev.ostore.object;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.Json;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import dev.ostore.dataserver.BlockAppend;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.HeldShard;
import dev.ostore.dataserver.HeldWhole;
import dev.ostore.dataserver.ListedShard;
import dev.ostore.dataserver.ListedWhole;
import dev.ostore.dataserver.ShardWrite;
import dev.ostore.dataserver.ShardWriter;
import dev.ostore.dataserver.UploadShardId;
import dev.ostore.erasure.Striping;
import dev.ostore.locate.LocateReply;
import dev.ostore.storage.ShardLayout;
import dev.ostore.storage.ShardRecords;
import dev.ostore.stream.GetStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Data servers in memory, as the api server's {@link DataServerClient} sees them, answering
 * locate requests on a bus as real ones do, with a holding area each (written and held times on
 * a clock of the test's choosing). Tests take servers down, make them fail part way through a
 * shard, or damage what they hold.
 */
public final class FakeDataServers implements DataServerClient, AutoCloseable {
  private final Map<ServerAddress, Map<ShardId, byte[]>> held = new ConcurrentHashMap<>();
  private final Set<ServerAddress> down = ConcurrentHashMap.newKeySet();
  /** Servers whose disk is full: they refuse new shards, as a real one does (507). */
  private final Set<ServerAddress> full = ConcurrentHashMap.newKeySet();
  /** Servers that fail each shard transfer after this many bytes. */
  private final Map<ServerAddress, Integer> failAfter = new ConcurrentHashMap<>();
  private final Map<ServerAddress, Integer> failNextUpload = new ConcurrentHashMap<>();
  /** Shards whose next read fails a checksum part way, and which are then quarantined. */
  private final Set<ShardId> corrupt = ConcurrentHashMap.newKeySet();
  private final AtomicInteger listCalls = new AtomicInteger();
  private final AtomicInteger holdCalls = new AtomicInteger();
  /** Servers that stop sending each shard after this many bytes, until the reader hangs up. */
  private final Map<ServerAddress, Integer> stallAfter = new ConcurrentHashMap<>();
  private final List<Subscription> responders = new ArrayList<>();
  private final List<ServerAddress> servers = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger locateRequests =
      new java.util.concurrent.atomic.AtomicInteger();
  /** The checksum of each block of each shard, as its upload brought it (damage leaves them). */
  private final Map<ShardId, List<Integer>> checksums = new ConcurrentHashMap<>();
  /** How each content's shards are listed: its layout and size, as their uploads said. */
  private final Map<ContentHash, Function<ShardId, ListedShard>> listed =
      new ConcurrentHashMap<>();
  /** The resumable shard uploads each server holds; each map is its own lock. */
  private final Map<ServerAddress, Map<UploadShardId, HeldUpload>> uploads =
      new ConcurrentHashMap<>();
  private final AtomicInteger appendsStarted = new AtomicInteger();
  /** When each shard each server holds was last written (stored, or stored again). */
  private final Map<ServerAddress, Map<ShardId, Instant>> written = new ConcurrentHashMap<>();
  /** Each server's holding area; a server's {@link #held} map is the lock of both. */
  private final Map<ServerAddress, Map<ShardId, HeldCopy>> holding = new ConcurrentHashMap<>();
  private final InstantSource clock;
  private final FakeWholeCopies whole;
  /** Run before the next hold, once: a test's write racing a collection. */
  private final java.util.concurrent.atomic.AtomicReference<Runnable> beforeHold =
      new java.util.concurrent.atomic.AtomicReference<>();
  /** Every shard read asked for, in order. */
  private final List<BlockRead> reads = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A read of blocks {@code [from, to)} of shard {@code index} of some content. */
  public record BlockRead(int index, long from, long to) {}

  /** A shard in a holding area: its bytes and when it was held. */
  private record HeldCopy(byte[] bytes, Instant heldAt) {}

  public FakeDataServers(MessageBus bus, int count) throws IOException {
    this(bus, count, InstantSource.system());
  }

  /** {@code count} servers that tell written and held times by {@code clock}. */
  public FakeDataServers(MessageBus bus, int count, InstantSource clock) throws IOException {
    this.clock = clock;
    this.whole = new FakeWholeCopies(clock);
    for (int i = 0; i < count; i++) {
      ServerAddress server = new ServerAddress("127.0.0.1", 9000 + i);
      servers.add(server);
      held.put(server, new ConcurrentHashMap<>());
      written.put(server, new ConcurrentHashMap<>());
      holding.put(server, new ConcurrentHashMap<>());
      responders.add(bus.subscribe(MessageBus.DATA_SERVERS, request -> {
        if (down.contains(server)) {
          return;
        }
        locateRequests.incrementAndGet();
        ContentHash hash = ContentHash.parse(Json.parseString(request.body()));
        List<Integer> shards = held.get(server).keySet().stream()
            .filter(id -> id.hash().equals(hash)).map(ShardId::index).sorted().toList();
        try {
          bus.reply(request, new LocateReply(server, !shards.isEmpty(), shards).toJson());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }));
    }
  }

  public List<ServerAddress> servers() {
    return servers;
  }

  /** How many locate requests the servers up have heard, each counted by every one of them. */
  public int locateRequests() {
    return locateRequests.get();
  }

  public void takeDown(ServerAddress server) {
    down.add(server);
  }

  public void bringUp(ServerAddress server) {
    down.remove(server);
  }

  /** {@code server}'s disk fills: it refuses new shards with {@code INSUFFICIENT_STORAGE}. */
  public void fill(ServerAddress server) {
    full.add(server);
  }

  public void failAfter(ServerAddress server, int bytes) {
    failAfter.put(server, bytes);
  }

  /** Makes the next shard upload to {@code server}, and that one only, fail after {@code bytes}. */
  public void failNextUploadAfter(ServerAddress server, int bytes) {
    failNextUpload.put(server, bytes);
  }

  /** Makes {@code server} stop sending, without failing, after {@code bytes} of each shard. */
  public void stallAfter(ServerAddress server, int bytes) {
    stallAfter.put(server, bytes);
  }

  /** The shards each server holds, by index, for the content {@code hash}. */
  public Map<ServerAddress, List<Integer>> shardsOf(ContentHash hash) {
    Map<ServerAddress, List<Integer>> shards = new TreeMap<>(
        (a, b) -> a.toString().compareTo(b.toString()));
    held.forEach((server, ids) -> ids.keySet().stream().filter(id -> id.hash().equals(hash))
        .forEach(id -> shards.computeIfAbsent(server, s -> new ArrayList<>()).add(id.index())));
    return shards;
  }

  /** Flips a byte of shard {@code index} of {@code hash} wherever it is held. */
  public void damage(ContentHash hash, int index, int at) {
    held.values().forEach(ids -> {
      byte[] shard = ids.get(new ShardId(hash, index));
      if (shard != null && shard.length > at) {
        shard[at] ^= 1;
      }
    });
  }

  /** Makes the next read of shard {@code index} of {@code hash} find it corrupt part way. */
  public void corrupt(ContentHash hash, int index) {
    corrupt.add(new ShardId(hash, index));
  }

  /** Empties {@code server}, as a disk replaced or a root wiped would. */
  public void wipe(ServerAddress server) {
    held.get(server).clear();
  }

  /** The bytes of shard {@code index} of {@code hash}, wherever held; empty if nowhere. */
  public Optional<byte[]> shard(ContentHash hash, int index) {
    return held.values().stream().map(ids -> ids.get(new ShardId(hash, index)))
        .filter(Objects::nonNull).findFirst();
  }

  /** Deletes shard {@code index} of {@code hash} wherever it is held. */
  public void lose(ContentHash hash, int index) {
    held.values().forEach(ids -> ids.remove(new ShardId(hash, index)));
  }

  /** The shard reads asked for since the last call, in order; forgets them. */
  public List<BlockRead> takeReads() {
    List<BlockRead> taken = List.copyOf(reads);
    reads.removeAll(taken);
    return taken;
  }

  /** How many listing pages were asked for, by every client. */
  public int listCalls() {
    return listCalls.get();
  }

  /** How many hold requests were made, by every client, however many shards each named. */
  public int holdCalls() {
    return holdCalls.get();
  }

  /** The bytes of every shard held, by every server. */
  public long shardBytes() {
    return held.values().stream().flatMap(shards -> shards.values().stream())
        .mapToLong(shard -> shard.length).sum();
  }

  public int shardCount() {
    return held.values().stream().mapToInt(Map::size).sum();
  }

  @Override
  public ShardWriter upload(ServerAddress server, int index, Striping striping)
      throws IOException {
    checkUp(server);
    if (full.contains(server)) {
      throw new OstoreException(ErrorCode.INSUFFICIENT_STORAGE, server + " has no room");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Integer> crcs = new ArrayList<>();
    int limit = Math.min(failAfter.getOrDefault(server, Integer.MAX_VALUE),
        Optional.ofNullable(failNextUpload.remove(server)).orElse(Integer.MAX_VALUE));
    return new ShardWriter() {
      private boolean done;

      @Override
      public void writeBlock(byte[] b, int off, int len) throws IOException {
        checkUp(server);
        if (bytes.size() + len > limit) {
          throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, server + " failed");
        }
        bytes.write(b, off, len);
        crcs.add(ShardRecords.crc(b, off, len, crcs.size()));
      }

      @Override
      public ShardWrite finish(ContentHash hash, long objectSize) throws IOException {
        checkUp(server);
        ShardId id = new ShardId(hash, index);
        ShardWrite write = install(server, id, bytes.toByteArray(), crcs);
        listed.putIfAbsent(hash, shard -> new ListedShard(shard, striping, objectSize,
            Instant.MAX));
        done = true;
        return write;
      }

      @Override
      public void abort() {
        done = true;
      }

      @Override
      public void close() {
        abort();
      }
    };
  }

  @Override
  public InputStream read(ServerAddress server, ShardId id, ShardLayout expected,
      long fromBlock, long toBlock) throws IOException {
    checkUp(server);
    reads.add(new BlockRead(id.index(), fromBlock, toBlock));
    byte[] shard = held.get(server).get(id);
    if (shard == null) {
      throw new NoSuchFileException(id + " on " + server);
    }
    ListedShard listing = listed.get(id.hash()).apply(id);
    ShardLayout layout = ShardLayout.of(listing.striping(), listing.objectSize());
    if (!layout.equals(expected)) {
      throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, server + " holds " + id + " as "
          + layout + ", not as " + expected);
    }
    byte[] records = records(shard, checksums.get(id), layout, fromBlock, toBlock);
    boolean corrupt = this.corrupt.contains(id);
    int limit = corrupt ? layout.chunkSize() / 2
        : failAfter.getOrDefault(server, Integer.MAX_VALUE);
    int stall = stallAfter.getOrDefault(server, Integer.MAX_VALUE);
    java.util.concurrent.CountDownLatch hungUp = new java.util.concurrent.CountDownLatch(1);
    // Checked on arrival as the real client checks what a data server sends.
    return ShardRecords.checking(new FilterInputStream(new ByteArrayInputStream(records)) {
      private int sent;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        checkUp(server);
        if (sent >= limit && corrupt) {
          // As a data server does with a block that fails its checksum: quarantine, cut short.
          held.get(server).remove(id);
          FakeDataServers.this.corrupt.remove(id);
          throw new IOException("shard " + id + " on " + server + " failed its checksum");
        }
        if (sent >= limit) {
          throw new IOException("connection to " + server + " reset");
        }
        if (sent >= stall) {
          try {
            hungUp.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new IOException("connection to " + server + " closed while stalled");
        }
        int n = super.read(b, off, Math.min(len, Math.min(limit, stall) - sent));
        sent += Math.max(n, 0);
        return n;
      }

      @Override
      public void close() throws IOException {
        hungUp.countDown();
        super.close();
      }
    }, layout, fromBlock, toBlock, id + " from " + server);
  }

  /** Blocks {@code [from, to)} of {@code shard} as records, with the checksums of its upload. */
  private static byte[] records(byte[] shard, List<Integer> crcs, ShardLayout layout, long from,
      long to) {
    ByteBuffer records = ByteBuffer.allocate((int) ShardRecords.length(layout, from, to));
    for (long b = from; b < to; b++) {
      records.put(shard, (int) (b * layout.chunkSize()), layout.blockLength(b))
          .putInt(crcs.get((int) b));
    }
    return records.array();
  }

  /**
   * Appends as a data server does: each block is kept as it arrives, so that a request cut off
   * leaves the upload at some block count from {@code fromBlock} on, as a real one may.
   */
  @Override
  public BlockAppend append(ServerAddress server, UploadShardId id, Striping striping,
      long objectSize, Instant expires, long fromBlock) throws IOException {
    checkUp(server);
    Map<UploadShardId, HeldUpload> uploads = uploadsOf(server);
    HeldUpload upload;
    synchronized (uploads) {
      upload = uploads.get(id);
      if (upload == null && fromBlock > 0) {
        throw new NoSuchFileException("upload " + id + " on " + server);
      }
      if (upload == null) {
        upload = new HeldUpload(striping, objectSize);
        uploads.put(id, upload);
      }
      if (!upload.striping.equals(striping) || upload.objectSize != objectSize
          && !wholeChunks(striping, fromBlock, upload.objectSize, objectSize)) {
        throw OstoreException.badRequest("upload " + id + " is " + upload.striping + " of "
            + upload.objectSize + " bytes");
      }
      if (upload.appending || upload.blocks.size() < fromBlock) {
        throw new OstoreException(ErrorCode.CONFLICT, "upload " + id + " holds "
            + upload.blocks.size() + " blocks" + (upload.appending ? ", being appended to" : ""));
      }
      upload.appending = true;
      upload.blocks.subList((int) fromBlock, upload.blocks.size()).clear();
      upload.objectSize = objectSize;
    }
    HeldUpload appended = upload;
    int limit = Math.min(failAfter.getOrDefault(server, Integer.MAX_VALUE),
        Optional.ofNullable(failNextUpload.remove(server)).orElse(Integer.MAX_VALUE));
    appendsStarted.incrementAndGet();
    return new BlockAppend() {
      private int sent;
      private boolean done;

      @Override
      public void writeBlock(byte[] bytes, int offset, int length) throws IOException {
        checkUp(server);
        if (done) {
          throw new IOException("append ended");
        }
        if (sent + length > limit) {
          end();
          throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, server + " failed");
        }
        sent += length;
        synchronized (uploads) {
          appended.blocks.add(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
        }
      }

      @Override
      public long finish() throws IOException {
        checkUp(server);
        end();
        synchronized (uploads) {
          return appended.blocks.size();
        }
      }

      @Override
      public void abort() {
        end();
      }

      @Override
      public void close() {
        end();
      }

      private void end() {
        synchronized (uploads) {
          if (!done) {
            done = true;
            appended.appending = false;
          }
        }
      }
    };
  }

  @Override
  public long uploadedBlocks(ServerAddress server, UploadShardId id) throws IOException {
    checkUp(server);
    Map<UploadShardId, HeldUpload> uploads = uploadsOf(server);
    synchronized (uploads) {
      return heldUpload(server, id).blocks.size();
    }
  }

  @Override
  public InputStream readUpload(ServerAddress server, UploadShardId id, long fromBlock,
      long toBlock) throws IOException {
    checkUp(server);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Map<UploadShardId, HeldUpload> uploads = uploadsOf(server);
    synchronized (uploads) {
      List<byte[]> blocks = heldUpload(server, id).blocks;
      if (toBlock > blocks.size()) {
        throw OstoreException.badRequest("upload " + id + " holds " + blocks.size() + " blocks");
      }
      blocks.subList((int) fromBlock, (int) toBlock).forEach(bytes::writeBytes);
    }
    int limit = failAfter.getOrDefault(server, Integer.MAX_VALUE);
    return new FilterInputStream(new ByteArrayInputStream(bytes.toByteArray())) {
      private int sent;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        checkUp(server);
        if (sent >= limit) {
          throw new IOException("connection to " + server + " reset");
        }
        int n = super.read(b, off, Math.min(len, limit - sent));
        sent += Math.max(n, 0);
        return n;
      }
    };
  }

  @Override
  public ShardWrite commitUpload(ServerAddress server, UploadShardId id, ContentHash hash)
      throws IOException {
    checkUp(server);
    Map<UploadShardId, HeldUpload> uploads = uploadsOf(server);
    synchronized (uploads) {
      HeldUpload upload = heldUpload(server, id);
      if (upload.appending) {
        throw new OstoreException(ErrorCode.CONFLICT, "upload " + id + " is being appended to");
      }
      if (upload.blocks.size() != upload.striping.stripeCount(upload.objectSize)) {
        throw OstoreException.badRequest("upload " + id + " holds " + upload.blocks.size()
            + " blocks, not " + upload.striping.stripeCount(upload.objectSize));
      }
      ShardId shard = new ShardId(hash, id.index());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      List<Integer> crcs = new ArrayList<>();
      for (byte[] block : upload.blocks) {
        crcs.add(ShardRecords.crc(block, 0, block.length, crcs.size()));
        bytes.writeBytes(block);
      }
      ShardWrite write = install(server, shard, bytes.toByteArray(), crcs);
      listed.putIfAbsent(hash, listing -> new ListedShard(listing, upload.striping,
          upload.objectSize, Instant.MAX));
      uploads.remove(id);
      return write;
    }
  }

  @Override
  public boolean deleteUpload(ServerAddress server, UploadShardId id) throws IOException {
    checkUp(server);
    Map<UploadShardId, HeldUpload> uploads = uploadsOf(server);
    synchronized (uploads) {
      return uploads.remove(id) != null;
    }
  }

  /** How many upload shards the servers hold, all of them together. */
  public int uploadShardCount() {
    return uploads.values().stream().mapToInt(Map::size).sum();
  }

  /** How many appends were started, on every server. */
  public int appendsStarted() {
    return appendsStarted.get();
  }

  /**
   * Whether the first {@code blocks} blocks of a shard are whole chunks under both sizes, as a
   * data server requires of an append that declares another object size.
   */
  private static boolean wholeChunks(Striping striping, long blocks, long size, long other) {
    return blocks <= Math.min(size, other) / striping.stripeSize();
  }

  /** A resumable shard upload as a server holds it: its layout and its blocks. */
  private static final class HeldUpload {
    final Striping striping;
    long objectSize;
    final List<byte[]> blocks = new ArrayList<>();
    boolean appending;

    HeldUpload(Striping striping, long objectSize) {
      this.striping = striping;
      this.objectSize = objectSize;
    }
  }

  private Map<UploadShardId, HeldUpload> uploadsOf(ServerAddress server) {
    return uploads.computeIfAbsent(server, s -> new java.util.HashMap<>());
  }

  private HeldUpload heldUpload(ServerAddress server, UploadShardId id)
      throws NoSuchFileException {
    HeldUpload upload = uploadsOf(server).get(id);
    if (upload == null) {
      throw new NoSuchFileException("upload " + id + " on " + server);
    }
    return upload;
  }

  /**
   * Stores a shard, or keeps the one held already, as a data server does; either way its written
   * time is now, under the lock a hold takes, so that a hold never takes a shard just written.
   */
  private ShardWrite install(ServerAddress server, ShardId id, byte[] bytes,
      List<Integer> crcs) {
    Map<ShardId, byte[]> shards = held.get(server);
    synchronized (shards) {
      boolean kept = shards.putIfAbsent(id, bytes) != null;
      checksums.putIfAbsent(id, List.copyOf(crcs));
      written.get(server).put(id, clock.instant());
      return kept ? ShardWrite.KEPT_EXISTING : ShardWrite.STORED;
    }
  }

  @Override
  public boolean delete(ServerAddress server, ShardId id) throws IOException {
    checkUp(server);
    return held.get(server).remove(id) != null;
  }

  @Override
  public List<ListedShard> list(ServerAddress server, Optional<ShardId> after, int limit)
      throws IOException {
    checkUp(server);
    listCalls.incrementAndGet();
    return held.get(server).entrySet().stream()
        .filter(e -> after.isEmpty() || e.getKey().compareTo(after.get()) > 0)
        .sorted(Map.Entry.comparingByKey()).limit(limit)
        .map(e -> listed.get(e.getKey().hash()).apply(e.getKey()))
        .map(shard -> new ListedShard(shard.id(), shard.striping(), shard.objectSize(),
            written.get(server).getOrDefault(shard.id(), Instant.MAX)))
        .toList();
  }

  /** Content stored whole here is only listed, held and restored: no read streams it. */
  @Override
  public GetStream readWhole(ServerAddress server, ContentHash hash) throws IOException {
    throw new OstoreException(ErrorCode.NOT_FOUND, hash + " is not held whole on " + server);
  }

  /** Stores {@code bytes} whole on {@code server}, as written at {@code written}. */
  public void storeWhole(ServerAddress server, byte[] bytes, Instant written) {
    whole.store(server, bytes, written);
  }

  /** Whether {@code server} stores {@code hash} whole, in place. */
  public boolean hasWhole(ServerAddress server, ContentHash hash) {
    return whole.has(server, hash);
  }

  /** The whole contents in {@code server}'s holding area. */
  public Set<ContentHash> wholeHeldAway(ServerAddress server) {
    return whole.heldAway(server);
  }

  @Override
  public List<ListedWhole> listWhole(ServerAddress server, Optional<ContentHash> after,
      int limit) throws IOException {
    checkUp(server);
    return whole.list(server, after, limit);
  }

  @Override
  public Hold holdWhole(ServerAddress server, ContentHash hash, Instant writtenBefore)
      throws IOException {
    checkUp(server);
    return whole.hold(server, hash, writtenBefore);
  }

  @Override
  public List<HeldWhole> listHeldWhole(ServerAddress server, Optional<ContentHash> after,
      int limit) throws IOException {
    checkUp(server);
    return whole.listHeld(server, after, limit);
  }

  @Override
  public boolean restoreWhole(ServerAddress server, ContentHash hash) throws IOException {
    checkUp(server);
    return whole.restore(server, hash);
  }

  @Override
  public void close() {
    responders.forEach(Subscription::close);
  }

  private void checkUp(ServerAddress server) throws OstoreException {
    if (down.contains(server)) {
      throw new OstoreException(ErrorCode.DATA_SERVER_UNREACHABLE, server + " refused");
    }
  }

  /** Runs {@code write} before the next hold, as a write racing a collection would. */
  public void beforeNextHold(Runnable write) {
    beforeHold.set(write);
  }

  /** The shards in {@code server}'s holding area. */
  public Set<ShardId> heldAway(ServerAddress server) {
    return Set.copyOf(holding.get(server).keySet());
  }

  /** How many shards the holding areas of every server hold together. */
  public int heldAwayCount() {
    return holding.values().stream().mapToInt(Map::size).sum();
  }

  /** Moves shards to the holding area, as a collection does: for tests of an undo. */
  @Override
  public Map<ShardId, Hold> hold(ServerAddress server, List<ShardId> ids, Instant writtenBefore)
      throws IOException {
    Optional.ofNullable(beforeHold.getAndSet(null)).ifPresent(Runnable::run);
    checkUp(server);
    holdCalls.incrementAndGet();
    Map<ShardId, Hold> answers = new LinkedHashMap<>();
    ids.forEach(id -> answers.put(id, hold(server, id, writtenBefore)));
    return answers;
  }

  private Hold hold(ServerAddress server, ShardId id, Instant writtenBefore) {
    Map<ShardId, byte[]> shards = held.get(server);
    synchronized (shards) {
      byte[] bytes = shards.get(id);
      if (bytes == null) {
        return Hold.ABSENT;
      }
      if (!written.get(server).getOrDefault(id, Instant.MAX).isBefore(writtenBefore)) {
        return Hold.WRITTEN_SINCE;
      }
      shards.remove(id);
      holding.get(server).put(id, new HeldCopy(bytes, clock.instant()));
      return Hold.HELD;
    }
  }

  @Override
  public List<HeldShard> listHeld(ServerAddress server, Optional<ShardId> after, int limit)
      throws IOException {
    checkUp(server);
    return holding.get(server).entrySet().stream()
        .filter(e -> after.isEmpty() || e.getKey().compareTo(after.get()) > 0)
        .sorted(Map.Entry.comparingByKey()).limit(limit)
        .map(e -> new HeldShard(e.getKey(), e.getValue().heldAt()))
        .toList();
  }

  @Override
  public boolean restore(ServerAddress server, ShardId id) throws IOException {
    checkUp(server);
    Map<ShardId, byte[]> shards = held.get(server);
    synchronized (shards) {
      HeldCopy copy = holding.get(server).remove(id);
      if (copy == null) {
        return false;
      }
      shards.putIfAbsent(id, copy.bytes());
      return true;
    }
  }
}
