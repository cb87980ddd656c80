package dev.ostore.object;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ByteRange;
import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.TestData;
import dev.ostore.bus.MessageBus;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.heartbeat.Heartbeat;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.metadata.InlineContent;
import dev.ostore.object.ShardedContents.Stored;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Content written and read as shards over six data servers, some of them down, failing part way
 * or damaged: what an api server's clients see of it.
 */
class ShardedContentsTest {
  static final int CHUNK = Layouts.CHUNK_SIZE;
  /** The default layouts, small content in shards too: what these tests are about. */
  static final Layouts SHARDS_ONLY = Layouts.DEFAULT.withInlineBelow(0);
  static final Duration HEDGE_AFTER = Duration.ofMillis(300);

  final MessageBus bus = MessageBus.inMemory();
  final ExecutorService executor = Executors.newCachedThreadPool();
  FakeDataServers servers;
  LiveServers live;
  Locator locator;
  ShardedContents contents;

  @BeforeEach
  void sixDataServers() throws IOException {
    servers = new FakeDataServers(bus, 6);
    live = LiveServers.listen(bus, new FakeClock(), Duration.ofSeconds(10));
    servers.servers().forEach(live::heard);
    locator = Locator.overBus(bus, live, Duration.ofSeconds(1));
    contents = ShardedContents.create(live, locator, servers, SHARDS_ONLY, executor,
        HEDGE_AFTER, RepairQueue.NONE, TransferLimit.sizedToHeap());
  }

  @AfterEach
  void stop() {
    servers.close();
    live.close();
    bus.close();
    executor.shutdownNow();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 100, 64 * 1024 - 1, 64 * 1024, 4 * 64 * 1024, 4 * 64 * 1024 + 1,
      1_000_007})
  void contentOfAnySizeReadsBackAsWritten(int size) throws IOException {
    byte[] body = TestData.randomBytes(size, size);
    Stored stored = put(body, OptionalLong.of(size));
    assertEquals(ContentHash.sha256(body), stored.hash());
    assertEquals(size, stored.size());
    assertEquals(size < 64 * 1024 ? "1+2" : "4+2", code(stored.striping()));
    assertArrayEquals(body, get(stored));
  }

  @Test
  void everyRangeAroundChunkAndStripeEdgesReadsBackItsBytesHealthyOrDegraded()
      throws IOException {
    long stripe = 4L * CHUNK;
    byte[] body = TestData.randomBytes((int) (3 * stripe + 12_345), 20);
    Stored stored = put(body, OptionalLong.of(body.length));
    long[] edges = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, stripe - 1, stripe, stripe + 1,
        2 * stripe + 3 * CHUNK, 3 * stripe, body.length - 1, body.length};
    List<ServerAddress> all = servers.servers();
    for (int down = 0; down <= 2; down++) {
      for (long from : edges) {
        for (long to : edges) {
          if (from < to) {
            ByteRange range = new ByteRange(from, to);
            assertArrayEquals(Arrays.copyOfRange(body, (int) from, (int) to),
                get(stored, range), range + " with " + down + " servers down");
          }
        }
      }
      if (down < 2) {
        down(holderOf(stored.hash(), down * 2)); // a data shard: 0, then 2
      }
    }
    all.forEach(this::up);
  }

  @Test
  void aRangeWithinOneChunkReadsThatBlockOfThatShardOnly() throws IOException {
    byte[] body = TestData.randomBytes(30 * 4 * CHUNK, 21);
    Stored stored = put(body, OptionalLong.of(body.length));
    servers.takeReads();
    long from = 5L * 4 * CHUNK + 2L * CHUNK + 100; // stripe 5, chunk 2
    ByteRange range = new ByteRange(from, from + 1024);
    assertArrayEquals(Arrays.copyOfRange(body, (int) from, (int) from + 1024),
        get(stored, range));
    assertEquals(List.of(new FakeDataServers.BlockRead(2, 5, 6)), servers.takeReads());
  }

  @Test
  void aRangeAcrossAStripeEdgeReadsTheTwoChunksThatHoldIt() throws IOException {
    byte[] body = TestData.randomBytes(30 * 4 * CHUNK, 22);
    Stored stored = put(body, OptionalLong.of(body.length));
    servers.takeReads();
    long edge = 8L * 4 * CHUNK; // stripe 7 ends in chunk 3, stripe 8 starts in chunk 0
    assertArrayEquals(Arrays.copyOfRange(body, (int) edge - 10, (int) edge + 10),
        get(stored, new ByteRange(edge - 10, edge + 10)));
    assertEquals(new HashSet<>(List.of(new FakeDataServers.BlockRead(0, 7, 9),
        new FakeDataServers.BlockRead(3, 7, 9))), new HashSet<>(servers.takeReads()));
  }

  @Test
  void aRangeWhoseShardIsLostIsRebuiltFromJustItsStripes() throws IOException {
    byte[] body = TestData.randomBytes(30 * 4 * CHUNK, 23);
    Stored stored = put(body, OptionalLong.of(body.length));
    servers.lose(stored.hash(), 1);
    servers.takeReads();
    long from = 12L * 4 * CHUNK + CHUNK + 7; // stripe 12, chunk 1
    assertArrayEquals(Arrays.copyOfRange(body, (int) from, (int) from + 5000),
        get(stored, new ByteRange(from, from + 5000)));
    List<FakeDataServers.BlockRead> reads = servers.takeReads();
    assertTrue(reads.stream().allMatch(read -> read.from() == 12 && read.to() == 13),
        reads.toString());
    assertEquals(4, reads.stream().filter(read -> read.index() != 1).count(),
        "four shards to decode without shard 1: " + reads);
  }

  @Test
  void aRangeWhoseShardStallsGetsEnoughShardsBesideItToDecode() throws IOException {
    byte[] body = TestData.randomBytes(30 * 4 * CHUNK, 24);
    Stored stored = put(body, OptionalLong.of(body.length));
    servers.stallAfter(holderOf(stored.hash(), 3), 0);
    long from = 20L * 4 * CHUNK + 3L * CHUNK;
    long started = System.nanoTime();
    assertArrayEquals(Arrays.copyOfRange(body, (int) from, (int) from + CHUNK),
        get(stored, new ByteRange(from, from + CHUNK)));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "took " + took);
  }

  @Test
  void aReaderSlowerThanTheShardsGetsTheBytesTheyReadAheadAsWritten() throws IOException {
    // 48 stripes: each shard fills all the batches it may read ahead, then reuses their buffers.
    byte[] body = TestData.randomBytes(48 * 4 * CHUNK + 5, 21);
    Stored stored = put(body, OptionalLong.of(body.length));
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    OutputStream slow = new FilterOutputStream(received) {
      @Override
      public void write(byte[] bytes, int offset, int length) {
        LockSupport.parkNanos(200_000); // the shards read on meanwhile
        received.write(bytes, offset, length);
      }
    };
    try (ObjectStore.Content content = contents.open(stored.hash(), stored.layout(), "object",
        ByteRange.all(body.length))) {
      content.copyTo(slow);
    }
    assertArrayEquals(body, received.toByteArray());
  }

  @Test
  void eachShardGoesToADistinctServer() throws IOException {
    Stored stored = put(TestData.randomBytes(300_000, 1), OptionalLong.of(300_000));
    var shards = servers.shardsOf(stored.hash());
    assertEquals(6, shards.size(), shards.toString());
    shards.values().forEach(held -> assertEquals(1, held.size(), shards.toString()));
    assertEquals(new HashSet<>(List.of(0, 1, 2, 3, 4, 5)), new HashSet<>(
        shards.values().stream().map(held -> held.get(0)).toList()));
  }

  @Test
  void contentOfUnknownSizeGetsTheLayoutItsSizeCalledFor() throws IOException {
    Stored small = put(TestData.randomBytes(1000, 2), OptionalLong.empty());
    Stored large = put(TestData.randomBytes(200_000, 3), OptionalLong.empty());
    assertEquals("1+2", code(small.striping()));
    assertEquals("4+2", code(large.striping()));
    assertArrayEquals(TestData.randomBytes(200_000, 3), get(large));
  }

  @Test
  void anyTwoServersDownLeaveEveryContentReadable() throws IOException {
    byte[] large = TestData.randomBytes(700_000, 4);
    byte[] small = TestData.randomBytes(5_000, 5);
    Stored storedLarge = put(large, OptionalLong.of(large.length));
    Stored storedSmall = put(small, OptionalLong.of(small.length));
    List<ServerAddress> all = servers.servers();
    for (int a = 0; a < all.size(); a++) {
      for (int b = a + 1; b < all.size(); b++) {
        down(all.get(a));
        down(all.get(b));
        assertArrayEquals(large, get(storedLarge), "down: " + all.get(a) + ", " + all.get(b));
        assertArrayEquals(small, get(storedSmall), "down: " + all.get(a) + ", " + all.get(b));
        up(all.get(a));
        up(all.get(b));
      }
    }
  }

  @Test
  void threeServersDownIsAnErrorBeforeAnyByte() throws IOException {
    byte[] body = TestData.randomBytes(300_000, 6);
    Stored stored = put(body, OptionalLong.of(body.length));
    servers.servers().subList(0, 3).forEach(this::down);
    OstoreException e = assertThrows(OstoreException.class, () -> contents.open(stored.hash(),
        stored.layout(), "x", ByteRange.all(stored.size())).close());
    assertTrue(e.getMessage().contains("of the 4 shards needed are readable"), e.getMessage());
  }

  @Test
  void aDeadServerNotYetKnownDeadOnlyDelaysTheRead() throws IOException {
    byte[] body = TestData.randomBytes(300_000, 13);
    Stored stored = put(body, OptionalLong.of(body.length));
    servers.takeDown(holderOf(stored.hash(), 0));
    assertArrayEquals(body, get(stored));
  }

  @Test
  void aServerKnownGoneCostsNoLocateWhileTheRememberedOthersHoldEnough() throws IOException {
    byte[] body = TestData.randomBytes(300_000, 16);
    Stored stored = put(body, OptionalLong.of(body.length));
    locator.rememberShards(stored.hash(), stored.locations());
    down(holderOf(stored.hash(), 0));
    down(holderOf(stored.hash(), 5));
    int asked = servers.locateRequests();
    assertArrayEquals(body, get(stored));
    assertEquals(asked, servers.locateRequests(), "locate requests heard");
  }

  @Test
  void whereShardsAreIsAskedAfreshWhenTheRememberedServersFail() throws IOException {
    byte[] body = TestData.randomBytes(300_000, 15);
    Stored stored = put(body, OptionalLong.of(body.length));
    ServerAddress away = holderOf(stored.hash(), 0);
    down(away);
    assertArrayEquals(body, get(stored)); // remembers five holders, without the one away
    up(away);
    // Two of the five remembered die, not yet known dead: asked afresh, the one back answers.
    servers.takeDown(holderOf(stored.hash(), 1));
    servers.takeDown(holderOf(stored.hash(), 2));
    assertArrayEquals(body, get(stored));
  }

  @Test
  void aServerFailingMidReadIsReplacedByParity() throws IOException {
    byte[] body = TestData.randomBytes(2_000_000, 7);
    Stored stored = put(body, OptionalLong.of(body.length));
    ServerAddress holderOfShard0 = holderOf(stored.hash(), 0);
    servers.failAfter(holderOfShard0, 200_000);
    assertArrayEquals(body, get(stored));
  }

  @Test
  void aShardThatStallsGetsAParityShardBesideItAndTheReadGoesOn() throws IOException {
    byte[] body = TestData.randomBytes(2_000_000, 14);
    Stored stored = put(body, OptionalLong.of(body.length));
    servers.stallAfter(holderOf(stored.hash(), 2), 300_000);
    long started = System.nanoTime();
    assertArrayEquals(body, get(stored));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "took " + took);
  }

  @Test
  void aBlockDamagedPastTheServersCheckIsCaughtOnArrivalAndReplaced() throws IOException {
    byte[] body = TestData.randomBytes(300_000, 8);
    Stored stored = put(body, OptionalLong.of(body.length));
    servers.damage(stored.hash(), 1, 70_000); // block 1 of shard 1, its checksum left as it was
    assertArrayEquals(body, get(stored));
  }

  @Test
  void aWriteWithOneServerDownIsAcknowledgedWithFiveShards() throws IOException {
    down(servers.servers().get(2));
    byte[] body = TestData.randomBytes(300_000, 9);
    Stored stored = put(body, OptionalLong.of(body.length));
    assertEquals(5, stored.locations().distinctShards());
    assertEquals(1, stored.failed().size(), stored.failed().toString());
    assertArrayEquals(body, get(stored));
  }

  @Test
  void tooFewLiveServersIsRefusedBeforeTheBody() throws IOException {
    servers.servers().subList(0, 2).forEach(live::dropUntilHeard);
    OstoreException e = assertThrows(OstoreException.class,
        () -> contents.start(OptionalLong.of(1_000_000), "big"));
    assertEquals(ErrorCode.NO_DATA_SERVER, e.code());
    assertTrue(e.getMessage().contains("needs 5 live data servers"), e.getMessage());
    assertTrue(e.getMessage().contains("4 are live"), e.getMessage());
  }

  @Test
  void aServerThatSaysItIsFullIsGivenNoShard() throws IOException {
    ServerAddress full = servers.servers().get(3);
    live.heard(new Heartbeat(full, ServerId.random(), 0));
    byte[] body = TestData.randomBytes(300_000, 30);
    Stored stored = put(body, OptionalLong.of(body.length));
    assertEquals(5, stored.locations().distinctShards());
    assertTrue(stored.locations().shards().values().stream().noneMatch(s -> s.contains(full)),
        stored.locations().toString());
    assertArrayEquals(body, get(stored));
  }

  @Test
  void tooFewServersWithRoomIsRefusedAsInsufficientStorageBeforeTheBody() {
    servers.servers().subList(0, 2).forEach(s -> live.heard(new Heartbeat(s, ServerId.random(),
        0)));
    OstoreException e = assertThrows(OstoreException.class,
        () -> contents.start(OptionalLong.of(1_000_000), "big"));
    assertEquals(ErrorCode.INSUFFICIENT_STORAGE, e.code());
    assertTrue(e.getMessage().contains("needs 5 data servers with room, and 2 of the 6 live"
        + " are full"), e.getMessage());
  }

  @Test
  void serversFoundFullOnlyAsTheWriteStartsFailItAsInsufficientStorage() {
    servers.fill(servers.servers().get(0));
    servers.fill(servers.servers().get(1));
    byte[] body = TestData.randomBytes(300_000, 31);
    OstoreException e = assertThrows(OstoreException.class,
        () -> put(body, OptionalLong.of(body.length)));
    assertEquals(ErrorCode.INSUFFICIENT_STORAGE, e.code(), e.getMessage());
    assertEquals(0, servers.shardCount(), "the shards that were stored are deleted");
  }

  @Test
  void aServerFailingMidWriteDoesNotFailTheWriteWhileTheQuorumHolds() throws IOException {
    servers.failAfter(servers.servers().get(0), 100_000);
    byte[] body = TestData.randomBytes(1_000_000, 10);
    Stored stored = put(body, OptionalLong.of(body.length));
    assertEquals(5, stored.locations().distinctShards());
    assertArrayEquals(body, get(stored));
  }

  @Test
  void twoServersFailingMidWriteFailItAndKeepNothing() {
    servers.failAfter(servers.servers().get(0), 100_000);
    servers.failAfter(servers.servers().get(1), 100_000);
    byte[] body = TestData.randomBytes(1_000_000, 11);
    OstoreException e = assertThrows(OstoreException.class,
        () -> put(body, OptionalLong.of(body.length)));
    assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
    assertTrue(e.getMessage().contains("5 needed (shard "), e.getMessage());
    assertTrue(e.getMessage().endsWith("; and 1 more, each in the api server's log)"),
        "one failure named, the other counted: " + e.getMessage());
    assertEquals(0, servers.shardCount());
  }

  @Test
  void aBodyThatIsNotWhatItsDigestDeclaredKeepsNothing() throws IOException {
    byte[] body = TestData.randomBytes(300_000, 12);
    try (ShardedContents.Upload upload = contents.start(OptionalLong.of(body.length), "x")) {
      upload.body().write(body);
      OstoreException e = assertThrows(OstoreException.class,
          () -> upload.seal(Optional.of(ContentHash.of(new byte[32]))));
      assertEquals(ErrorCode.BAD_REQUEST, e.code());
    }
    assertEquals(0, servers.shardCount());
  }

  @Test
  void smallContentWithTooFewLiveServersIsRefusedBeforeTheBody() {
    servers.servers().subList(0, 5).forEach(live::dropUntilHeard);
    OstoreException e = assertThrows(OstoreException.class,
        () -> contents.start(OptionalLong.of(4096), "small"));
    assertEquals(ErrorCode.NO_DATA_SERVER, e.code());
    assertTrue(e.getMessage().contains("needs 2 live data servers"), e.getMessage());
  }

  @Test
  void contentToKeepInlineNeedsNoLiveServerAndWritesNoShardUntilCommitted() throws IOException {
    ShardedContents inline = ShardedContents.create(live, locator, servers, Layouts.DEFAULT,
        executor, HEDGE_AFTER, RepairQueue.NONE, TransferLimit.sizedToHeap());
    servers.servers().forEach(live::dropUntilHeard);
    byte[] body = TestData.randomBytes(4096, 12);
    try (ShardedContents.Upload upload = inline.start(OptionalLong.of(body.length), "small")) {
      upload.body().write(body);
      upload.seal(Optional.empty());
      InlineContent kept = upload.inline().orElseThrow();
      assertArrayEquals(body, kept.stored());
      assertEquals(ContentLayout.inline(body.length, Optional.empty()), kept.layout());
    }
    assertEquals(0, servers.shardCount());
  }

  @Test
  void smallContentWithFewerCopiesStoredThanTheQuorumFailsAndKeepsNothing() {
    // Whichever three servers take the copies, at most one of them stores its copy.
    servers.servers().subList(0, 5).forEach(server -> servers.failAfter(server, 100));
    byte[] body = TestData.randomBytes(4096, 13);
    OstoreException e = assertThrows(OstoreException.class,
        () -> put(body, OptionalLong.of(body.length)));
    assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
    assertTrue(e.getMessage().contains("2 needed"), e.getMessage());
    assertEquals(0, servers.shardCount());
  }

  @Test
  void smallContentThatIsNotWhatItsDigestDeclaredKeepsNothing() throws IOException {
    byte[] body = TestData.randomBytes(4096, 14);
    try (ShardedContents.Upload upload = contents.start(OptionalLong.of(body.length), "x")) {
      upload.body().write(body);
      assertThrows(OstoreException.class,
          () -> upload.seal(Optional.of(ContentHash.of(new byte[32]))));
    }
    assertEquals(0, servers.shardCount());
  }

  Stored put(byte[] body, OptionalLong length) throws IOException {
    try (ShardedContents.Upload upload = contents.start(length, "object")) {
      // In pieces that do not line up with chunks, as a network delivers them.
      for (int at = 0; at < body.length; at += 10_007) {
        upload.body().write(body, at, Math.min(10_007, body.length - at));
      }
      upload.seal(Optional.empty());
      return upload.commit();
    }
  }

  byte[] get(Stored stored) throws IOException {
    return get(stored, ByteRange.all(stored.size()));
  }

  byte[] get(Stored stored, ByteRange range) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectStore.Content content = contents.open(stored.hash(), stored.layout(), "object",
        range)) {
      content.copyTo(out);
    }
    return out.toByteArray();
  }

  /** A server that died and whose heartbeats stopped. */
  void down(ServerAddress server) {
    servers.takeDown(server);
    live.dropUntilHeard(server);
  }

  void up(ServerAddress server) {
    servers.bringUp(server);
    live.heard(server);
  }

  ServerAddress holderOf(ContentHash hash, int index) {
    return servers.shardsOf(hash).entrySet().stream()
        .filter(entry -> entry.getValue().contains(index)).findFirst().orElseThrow().getKey();
  }

  static String code(Striping striping) {
    return striping.dataShards() + "+" + striping.parityShards();
  }
}
