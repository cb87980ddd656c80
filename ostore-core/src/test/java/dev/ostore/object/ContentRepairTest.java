package dev.ostore.object;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.TestData;
import dev.ostore.bus.MessageBus;
import dev.ostore.compress.Compression;
import dev.ostore.erasure.ErasureCode;
import dev.ostore.erasure.ErasureStreams;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.heartbeat.Heartbeat;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.Version;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Shards lost, damaged or never written are put back byte for byte, by a repair asked for or by
 * the read or write that found them missing: over seven fake data servers, so that one is always
 * free to take a rebuilt shard.
 */
class ContentRepairTest {
  final MessageBus bus = MessageBus.inMemory();
  final ExecutorService executor = Executors.newCachedThreadPool();
  @TempDir Path dir;
  FakeDataServers servers;
  LiveServers live;
  MetadataStore metadata;
  ContentRepair repair;
  ObjectStore objects;

  @BeforeEach
  void sevenDataServers() throws IOException {
    servers = new FakeDataServers(bus, 7);
    live = LiveServers.listen(bus, new FakeClock(), Duration.ofSeconds(10));
    servers.servers().forEach(live::heard);
    Locator locator = Locator.overBus(bus, live, Duration.ofSeconds(1));
    metadata = MetadataStore.embedded(dir.resolve("metadata.db"));
    repair = ContentRepair.create(metadata, live, locator, servers, Layouts.DEFAULT, executor);
    // Repairs queued by reads and writes run on the calling thread, so the test sees them done
    // on return; small content goes to data servers too, not the metadata store, to be rebuilt.
    objects = ObjectStore.create(metadata, live, locator, servers,
        Layouts.DEFAULT.withInlineBelow(0), executor, Duration.ofSeconds(1), false,
        RepairQueue.start(repair, 16, Runnable::run), Compression.DEFAULT,
        ObjectStore.defaultSmallContentCache(), TransferLimit.sizedToHeap());
  }

  @AfterEach
  void stop() {
    servers.close();
    live.close();
    metadata.close();
    bus.close();
    executor.shutdownNow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "3", "5", "0,1", "2,5", "4,5"})
  void lostShardsAreRebuiltByteForByte(String lost) throws IOException {
    byte[] body = bytes(1_000_003, lost.hashCode());
    Version version = put("big", body);
    ContentHash hash = version.hash().orElseThrow();
    List<Integer> indexes = List.of(lost.split(",")).stream().map(Integer::parseInt).toList();
    indexes.forEach(index -> servers.lose(hash, index));

    ContentRepair.Outcome outcome = repair.repair(hash, Set.of(), ContentRepair.Pace.NONE);

    assertEquals(indexes.size(), outcome.missing());
    assertEquals(indexes.size(), outcome.rebuilt());
    byte[][] fresh = encode(new Striping(4, 2, Layouts.CHUNK_SIZE), body);
    for (int index = 0; index < 6; index++) {
      assertArrayEquals(fresh[index], servers.shard(hash, index).orElseThrow(),
          "shard " + index);
    }
    servers.shardsOf(hash).values().forEach(held -> assertEquals(1, held.size()));
    assertArrayEquals(body, get(version));
  }

  @Test
  void compressedContentIsRebuiltFromItsStoredBytes() throws IOException {
    byte[] body = TestData.jsonLines(1_000_003, 9);
    Version version = put("text", body);
    ContentHash hash = version.hash().orElseThrow();
    assertTrue(metadata.layout(hash).orElseThrow().compressed().isPresent());
    byte[] first = servers.shard(hash, 0).orElseThrow();
    byte[] last = servers.shard(hash, 5).orElseThrow();
    servers.lose(hash, 0);
    servers.lose(hash, 5);
    assertEquals(2, repair.repair(hash, Set.of(), ContentRepair.Pace.NONE).rebuilt());
    assertArrayEquals(first, servers.shard(hash, 0).orElseThrow());
    assertArrayEquals(last, servers.shard(hash, 5).orElseThrow());
    assertArrayEquals(body, get(version));
  }

  @Test
  void smallContentCopiesAreRebuiltToo() throws IOException {
    byte[] body = bytes(5_000, 1);
    Version version = put("small", body);
    ContentHash hash = version.hash().orElseThrow();
    servers.lose(hash, 0);
    servers.lose(hash, 2);
    assertEquals(2, repair.repair(hash, Set.of(), ContentRepair.Pace.NONE).rebuilt());
    assertArrayEquals(body, servers.shard(hash, 0).orElseThrow());
    assertArrayEquals(body, servers.shard(hash, 2).orElseThrow());
  }

  @Test
  void contentWithEveryShardIsLeftAlone() throws IOException {
    Version version = put("whole", bytes(300_000, 2));
    int before = servers.shardCount();
    assertEquals(ContentRepair.Outcome.NOTHING,
        repair.repair(version.hash().orElseThrow(), Set.of(), ContentRepair.Pace.NONE));
    assertEquals(before, servers.shardCount());
  }

  @Test
  void tooFewShardsLeftIsNoDataServer() throws IOException {
    Version version = put("lost", bytes(300_000, 3));
    ContentHash hash = version.hash().orElseThrow();
    List.of(0, 1, 2).forEach(index -> servers.lose(hash, index));
    OstoreException e = assertThrows(OstoreException.class,
        () -> repair.repair(hash, Set.of(), ContentRepair.Pace.NONE));
    assertEquals(ErrorCode.NO_DATA_SERVER, e.code());
    assertTrue(e.getMessage().contains("3 of its shards are on live data servers, 4 needed"),
        e.getMessage());
  }

  @Test
  void aShardWithNowhereToGoButFullServersWaitsForRoom() throws IOException {
    byte[] body = bytes(300_000, 6);
    Version version = put("roomless", body);
    ContentHash hash = version.hash().orElseThrow();
    servers.lose(hash, 0);
    List<ServerAddress> spare = servers.servers().stream()
        .filter(server -> !servers.shardsOf(hash).containsKey(server)).toList();
    assertEquals(2, spare.size(), "the spare server and the one that lost shard 0");
    spare.forEach(server -> live.heard(new Heartbeat(server, ServerId.random(), 0)));

    OstoreException e = assertThrows(OstoreException.class,
        () -> repair.repair(hash, Set.of(), ContentRepair.Pace.NONE));
    assertEquals(ErrorCode.INSUFFICIENT_STORAGE, e.code());
    assertTrue(e.getMessage().endsWith(": the live data servers that hold no shard of it are"
        + " full"), e.getMessage());

    live.heard(new Heartbeat(spare.get(0), ServerId.random(), 1 << 30));
    assertEquals(1, repair.repair(hash, Set.of(), ContentRepair.Pace.NONE).rebuilt());
    assertEquals(List.of(0), servers.shardsOf(hash).get(spare.get(0)));
  }

  @Test
  void aReadThatFindsAShardMissingPutsItBack() throws IOException {
    byte[] body = bytes(700_000, 4);
    Version version = put("read", body);
    ContentHash hash = version.hash().orElseThrow();
    byte[] shard1 = servers.shard(hash, 1).orElseThrow();
    servers.lose(hash, 1);
    assertArrayEquals(body, get(version));
    assertArrayEquals(shard1, servers.shard(hash, 1).orElseThrow());
  }

  @Test
  void aReadThatFindsAShardCorruptPutsItBack() throws IOException {
    byte[] body = bytes(700_000, 5);
    Version version = put("corrupt", body);
    ContentHash hash = version.hash().orElseThrow();
    byte[] shard2 = servers.shard(hash, 2).orElseThrow();
    servers.corrupt(hash, 2);
    assertArrayEquals(body, get(version));
    assertArrayEquals(shard2, servers.shard(hash, 2).orElseThrow());
    assertEquals(6, servers.shardCount());
  }

  @Test
  void aReadAroundAnUnreachableServerRebuildsNothing() throws IOException {
    byte[] body = bytes(700_000, 6);
    Version version = put("away", body);
    ContentHash hash = version.hash().orElseThrow();
    ServerAddress holder = holderOf(hash, 0);
    servers.takeDown(holder);
    assertArrayEquals(body, get(version));
    servers.bringUp(holder);
    assertEquals(6, servers.shardCount(), "it may come back with its shard");
  }

  @Test
  void aWriteThatMissedAShardIsRepairedOnceRecorded() throws IOException {
    ServerAddress failing = servers.servers().get(0);
    servers.failNextUploadAfter(failing, 100_000);
    byte[] body = bytes(1_000_000, 7);
    Version version = put("partial", body);
    ContentHash hash = version.hash().orElseThrow();
    assertEquals(6, servers.shardsOf(hash).size(), servers.shardsOf(hash).toString());
    byte[][] fresh = encode(new Striping(4, 2, Layouts.CHUNK_SIZE), body);
    for (int index = 0; index < 6; index++) {
      assertArrayEquals(fresh[index], servers.shard(hash, index).orElseThrow());
    }
  }

  Version put(String name, byte[] body) throws IOException {
    return objects.put(ObjectName.of(name), ObjectStore.Body.of(body, Optional.empty()));
  }

  byte[] get(Version version) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectStore.Content content = objects.open(version)) {
      content.copyTo(out);
    }
    return out.toByteArray();
  }

  ServerAddress holderOf(ContentHash hash, int index) {
    return servers.shardsOf(hash).entrySet().stream()
        .filter(e -> e.getValue().contains(index)).map(Map.Entry::getKey).findFirst()
        .orElseThrow();
  }

  /** Every shard of {@code body}, encoded afresh: what a repaired shard must equal. */
  static byte[][] encode(Striping striping, byte[] body) throws IOException {
    ByteArrayOutputStream[] shards = new ByteArrayOutputStream[striping.totalShards()];
    for (int i = 0; i < shards.length; i++) {
      shards[i] = new ByteArrayOutputStream();
    }
    try (OutputStream encoder = ErasureStreams.encoder(ErasureCode.reedSolomon(
        striping.dataShards(), striping.parityShards()), striping, (stripe, chunks, length) -> {
          for (int i = 0; i < shards.length; i++) {
            shards[i].write(chunks[i], 0, length);
          }
        })) {
      encoder.write(body);
    }
    byte[][] bytes = new byte[shards.length][];
    for (int i = 0; i < shards.length; i++) {
      bytes[i] = shards[i].toByteArray();
    }
    return bytes;
  }

  static byte[] bytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
