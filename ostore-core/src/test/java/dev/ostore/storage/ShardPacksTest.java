package dev.ostore.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.LogCapture;
import dev.ostore.ShardId;
import dev.ostore.TestData;
import dev.ostore.storage.ShardPacks.Packed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ShardPacks}: what a replay makes of the records, torn tails, and compaction, on packs
 * small enough that a few records fill one.
 */
class ShardPacksTest {
  /** Two store records of {@link #PAYLOAD} bytes and a bit more fill a pack. */
  static final int PAYLOAD = 200;
  static final long PACK_SIZE = 600;
  static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  /** The layout every shard here is stored with: packs keep it, not read it. */
  static final ShardLayout LAYOUT = new ShardLayout(1, 0, PAYLOAD, PAYLOAD);

  @TempDir
  Path root;
  private final Object lock = new Object();
  private ShardPacks packs;
  private final Map<ShardId, byte[]> stored = new HashMap<>();

  @AfterEach
  void close() {
    if (packs != null) {
      packs.close();
    }
  }

  @Test
  void aReplayKeepsWhatWasStoredAndTouchedAndNotWhatWasDropped() throws IOException {
    open();
    ShardId a = store("a", T0);
    ShardId b = store("b", T0);
    ShardId c = store("c", T0);
    touch(b, T0.plusSeconds(60));
    assertTrue(drop(c));
    assertFalse(drop(c), "dropped once");

    reopen();
    assertEquals(Set.of(a, b), packs.live().keySet());
    assertEquals(T0.plusSeconds(60), packs.get(b).orElseThrow().written());
    assertEquals(T0, packs.get(a).orElseThrow().written());
    assertBytes(a);
    assertBytes(b);
  }

  @Test
  void aTornRecordAtTheEndIsCutOffWithTheRoomAfterItAndAppendsGoOnAfterIt() throws IOException {
    open();
    ShardId a = store("a", T0);
    long end = endOf(a);
    Path pack = packs.fileOf(packs.get(a).orElseThrow());
    assertTrue(Files.size(pack) > end, "zeros past the records, for the next");
    // As a crash during an append leaves it: a record's first bytes, the rest never written.
    tornRecordAt(pack, end);

    reopen();
    assertEquals(end, Files.size(pack), "cut back to its last whole record");
    assertEquals(Set.of(a), packs.live().keySet());
    ShardId b = store("b", T0);
    reopen();
    assertEquals(Set.of(a, b), packs.live().keySet());
    assertBytes(b);
  }

  @Test
  void aPackWithNoRoomPastItsRecordsHasATornRecordCutOffToo() throws IOException {
    open();
    ShardId a = store("a", T0);
    long end = endOf(a);
    Path pack = packs.fileOf(packs.get(a).orElseThrow());
    packs.close();
    try (FileChannel file = FileChannel.open(pack, StandardOpenOption.WRITE)) {
      file.truncate(end); // as packs were written before they had room
    }
    tornRecordAt(pack, end);

    open();
    assertEquals(end, Files.size(pack));
    assertEquals(Set.of(a), packs.live().keySet());
    assertBytes(a);
  }

  @Test
  void theRoomOfAPackClosedCleanlyIsCutAtOpenAndItsRecordsAreAllKept() throws IOException {
    open();
    ShardId a = store("a", T0);
    ShardId b = store("b", T0);
    long end = endOf(b);
    Path pack = packs.fileOf(packs.get(b).orElseThrow());

    try (LogCapture log = LogCapture.of(ShardPacks.class)) {
      reopen();
      assertEquals(List.of(), log.linesFrom(Level.WARNING), "the zeros are no torn record");
    }
    assertEquals(end, Files.size(pack), "the zeros are not kept");
    assertEquals(Set.of(a, b), packs.live().keySet());
    ShardId c = store("c", T0);
    assertTrue(Files.size(pack) > endOf(c), "room made again for the next appends");
    reopen();
    assertEquals(Set.of(a, b, c), packs.live().keySet());
    assertBytes(a);
    assertBytes(c);
  }

  @Test
  void aRecordWhosePayloadFailsItsChecksumAtTheEndIsCutOff() throws IOException {
    open();
    ShardId a = store("a", T0);
    ShardId b = store("b", T0);
    damagePayload(b);

    reopen();
    assertEquals(Set.of(a), packs.live().keySet(), "written but never forced whole: not kept");
  }

  @Test
  void aRecordDamagedAtRestBeforeOthersIsIndexedAndTheRestKept() throws IOException {
    open();
    ShardId a = store("a", T0);
    ShardId b = store("b", T0);
    damagePayload(a);

    reopen();
    assertEquals(Set.of(a, b), packs.live().keySet(), "a is left for a read to find corrupt");
    assertBytes(b);
  }

  @Test
  void compactionMovesLiveShardsForwardAndDeletesThePack() throws IOException {
    open();
    ShardId a = store("a", T0);
    ShardId b = store("b", T0.plusSeconds(1));
    ShardId c = store("c", T0.plusSeconds(2)); // fills pack 1
    int first = packs.get(a).orElseThrow().at().pack();
    touch(c, T0.plusSeconds(30));
    assertEquals(first, packs.get(c).orElseThrow().at().pack());
    drop(a);
    drop(b); // pack 1 now mostly dead: compacted
    awaitTrue(() -> packs.get(c).orElseThrow().at().pack() != first
        && !Files.exists(packDir().resolve(String.format("%08x.pack", first))));
    assertFalse(Files.exists(indexOf(first)), "its index went with it");
    assertBytes(c);
    assertEquals(Optional.of(LAYOUT), packs.get(c).orElseThrow().layout(),
        "carried through its touch and the compaction");

    reopen();
    assertEquals(Set.of(c), packs.live().keySet());
    assertEquals(T0.plusSeconds(30), packs.get(c).orElseThrow().written());
    assertBytes(c);
    assertEquals(Optional.empty(), packs.get(c).orElseThrow().layout(), "not read at open");
  }

  /** A listing learns a shard's layout once; shards alike then hold one instance of it. */
  @Test
  void aLearnedLayoutStaysWithItsShardAndShardsAlikeShareIt() throws IOException {
    open();
    ShardId a = store("a", T0);
    reopen();
    assertTrue(packs.learn(a, new ShardLayout(1, 0, PAYLOAD, PAYLOAD)));
    ShardId b = store("b", T0);
    assertSame(packs.get(a).orElseThrow().knownLayout(), packs.get(b).orElseThrow().knownLayout());
    touch(a, T0.plusSeconds(1));
    assertEquals(Optional.of(LAYOUT), packs.get(a).orElseThrow().layout());
    assertFalse(packs.learn(new ShardId(hash("never stored"), 0), LAYOUT));
  }

  @Test
  void aDropOfAShardInAnOlderPackOutlivesTheCompactionOfItsOwnPack() throws IOException {
    open();
    ShardId a = store("a", T0);
    ShardId b = store("b", T0);
    ShardId c = store("c", T0); // pack 1: a, b, c
    drop(a); // in pack 2, about pack 1, which stays: two thirds of it live
    ShardId d = store("d", T0);
    ShardId e = store("e", T0); // pack 2 full
    int second = packs.get(d).orElseThrow().at().pack();
    drop(d);
    drop(e); // pack 2 all dead: compacted, its drop of a carried forward
    awaitTrue(() -> !Files.exists(packDir().resolve(String.format("%08x.pack", second))));

    reopen();
    assertEquals(Set.of(b, c), packs.live().keySet(), "a stays dropped");
  }

  @Test
  void aSealedPackOpensFromItsIndexWithoutItsRecordsBeingRead() throws IOException {
    List<ShardId> stored = fourWithTheFirstPackIndexed();
    ShardId a = stored.get(0);
    ShardId b = stored.get(1);
    ShardId c = stored.get(2);
    ShardId d = stored.get(3);
    touch(b, T0.plusSeconds(60));
    drop(a);
    // A replay would stop at this header, which fails its checksum, and lose b and c.
    flip(packs.fileOf(packs.get(b).orElseThrow()), packs.get(b).orElseThrow().at().offset() + 5);

    reopen();
    assertEquals(Set.of(b, c, d), packs.live().keySet());
    assertEquals(T0.plusSeconds(60), packs.get(b).orElseThrow().written());
    assertBytes(c);
    assertBytes(d);
  }

  @Test
  void aDamagedIndexIsNotUsedAndIsWrittenAgain() throws IOException {
    List<ShardId> stored = fourWithTheFirstPackIndexed();
    int first = packs.get(stored.get(0)).orElseThrow().pack();
    byte[] index = Files.readAllBytes(indexOf(first));
    flip(indexOf(first), 100);

    reopen();
    assertEquals(Set.copyOf(stored), packs.live().keySet());
    awaitTrue(() -> Arrays.equals(index, readOrEmpty(indexOf(first))));
  }

  @Test
  void aPackNoLongerTheLengthItsIndexSaysIsReadWhole() throws IOException {
    List<ShardId> stored = fourWithTheFirstPackIndexed();
    Packed c = packs.get(stored.get(2)).orElseThrow();
    Path pack = packs.fileOf(c);
    packs.close();
    try (FileChannel channel = FileChannel.open(pack, StandardOpenOption.WRITE)) {
      channel.truncate(c.offset()); // c's record gone, as the index cannot know
    }

    open();
    assertEquals(Set.of(stored.get(0), stored.get(1), stored.get(3)), packs.live().keySet());
  }

  @Test
  void strayIndexesAreDeletedAtOpen() throws IOException {
    open();
    store("a", T0);
    packs.close();
    Path orphan = indexOf(99);
    Path halfWritten = packDir().resolve("00000001" + PackIndex.SUFFIX + ".tmp");
    Files.write(orphan, new byte[10]);
    Files.write(halfWritten, new byte[10]);

    open();
    assertFalse(Files.exists(orphan), "no pack 99");
    assertFalse(Files.exists(halfWritten));
  }

  @Test
  void anInterruptedAppendLosesOnlyItsOwnRecord() throws IOException {
    open();
    ShardId a = store("a", T0);
    Thread.currentThread().interrupt();
    try {
      store("interrupted", T0);
    } catch (IOException expected) {
      // the channel was closed under it
    } finally {
      Thread.interrupted();
    }
    ShardId b = store("b", T0);
    reopen();
    assertTrue(packs.live().keySet().containsAll(Set.of(a, b)));
    assertBytes(a);
    assertBytes(b);
  }

  /**
   * Opens the packs and stores a, b and c, which fill pack 1, then d, which seals it and goes to
   * pack 2; returns the four once pack 1's index is written.
   */
  private List<ShardId> fourWithTheFirstPackIndexed() throws IOException {
    open();
    List<ShardId> stored = List.of(store("a", T0), store("b", T0), store("c", T0),
        store("d", T0));
    int first = packs.get(stored.get(0)).orElseThrow().pack();
    awaitTrue(() -> Files.exists(indexOf(first)));
    return stored;
  }

  private void open() throws IOException {
    packs = ShardPacks.open(packDir(), PACK_SIZE, id -> lock);
  }

  private void reopen() throws IOException {
    packs.close();
    open();
  }

  private Path packDir() {
    return root.resolve("packs");
  }

  private Path indexOf(int pack) {
    return packDir().resolve(String.format("%08x", pack) + PackIndex.SUFFIX);
  }

  private static byte[] readOrEmpty(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** Where the record of {@code id}, the last appended, ends: the end of its pack's records. */
  private long endOf(ShardId id) {
    Packed packed = packs.get(id).orElseThrow();
    return packed.start() + packed.length();
  }

  /** Writes the first 150 bytes of a record at {@code at}, as a crash during an append leaves. */
  private void tornRecordAt(Path pack, long at) throws IOException {
    ByteBuffer record = record(TestData.randomBytes(PAYLOAD, 1));
    PackFormat.putHeader(record, PackFormat.Kind.STORE, new ShardId(hash("torn"), 0), T0,
        PackFormat.Location.NONE);
    try (FileChannel file = FileChannel.open(pack, StandardOpenOption.WRITE)) {
      file.write(ByteBuffer.wrap(record.array(), 0, 150), at);
    }
  }

  /** Stores a shard of random bytes, named after {@code seed}, written at {@code time}. */
  private ShardId store(String seed, Instant time) throws IOException {
    ShardId id = new ShardId(hash(seed), 0);
    byte[] payload = TestData.randomBytes(PAYLOAD, seed.hashCode());
    Packed packed = packs.write(id, record(payload), time, LAYOUT);
    synchronized (lock) {
      packs.commit(id, packed);
    }
    stored.put(id, payload);
    return id;
  }

  /** Drops a shard, durably, under its lock, as a store does. */
  private boolean drop(ShardId id) throws IOException {
    synchronized (lock) {
      return packs.drop(id, true);
    }
  }

  private void touch(ShardId id, Instant time) throws IOException {
    synchronized (lock) {
      packs.touch(id, time);
    }
  }

  private static ByteBuffer record(byte[] payload) {
    ByteBuffer record = ByteBuffer.allocate(PackFormat.HEADER + payload.length);
    record.position(PackFormat.HEADER).put(payload).flip();
    return record;
  }

  private void assertBytes(ShardId id) throws IOException {
    Packed packed = packs.get(id).orElseThrow();
    ByteBuffer read = ByteBuffer.allocate(packed.length());
    try (FileChannel in = packs.openForReading(packed)) {
      in.read(read, packed.start());
    }
    assertArrayEquals(stored.get(id), read.array(), id::toString);
  }

  private static ContentHash hash(String seed) {
    return ContentHash.sha256(seed.getBytes(UTF_8));
  }

  /** Flips a bit in the bytes of shard {@code id}, past its record's header. */
  private void damagePayload(ShardId id) throws IOException {
    Packed packed = packs.get(id).orElseThrow();
    flip(packs.fileOf(packed), packed.start() + 10);
  }

  private static void flip(Path file, long position) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, position);
      one.put(0, (byte) (one.get(0) ^ 1)).rewind();
      channel.write(one, position);
    }
  }

  /** Compaction runs on a thread of its own: waits for what it does, for at most 10 s. */
  private static void awaitTrue(BooleanSupplier done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not done within 10 s");
      Thread.onSpinWait();
    }
  }
}
