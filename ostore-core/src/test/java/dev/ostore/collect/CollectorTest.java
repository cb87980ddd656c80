package dev.ostore.collect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.compress.Compression;
import dev.ostore.dataserver.DataServerClient.Hold;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.object.FakeStore;
import dev.ostore.object.Layouts;
import dev.ostore.object.ObjectStore;
import dev.ostore.object.RepairQueue;
import dev.ostore.object.TransferLimit;
import dev.ostore.pass.Throttle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collection passes over six fake data servers and SQLite metadata on a fake clock: what is
 * collected and when, what never is, writes racing a pass, failures that keep everything, and
 * the undo from the holding areas.
 */
class CollectorTest {
  static final Duration GRACE = Duration.ofHours(1);
  static final Duration LATER = GRACE.plusMinutes(1);

  final FakeClock clock = new FakeClock();
  @TempDir Path dir;
  FakeStore store;
  ObjectStore objects;
  final Random random = new Random(7);

  @BeforeEach
  void start() throws IOException {
    store = new FakeStore(dir, clock);
    objects = store.objects(Compression.OFF);
  }

  @AfterEach
  void stop() {
    store.close();
  }

  @Test
  void unreferencedContentIsCollectedOnlyAfterTheGrace() throws IOException {
    byte[] old = bytes();
    ContentHash gone = put("a", old);
    ContentHash kept = put("a", bytes());
    int shards = store.servers.shardCount();
    assertTrue(store.metadata.deleteVersion("a", 1).isPresent());

    CollectReport early = pass(collector(0), false);
    assertEquals(0, early.contentsCollected(), early.toJson());
    assertEquals(shards, store.servers.shardCount());

    clock.advance(LATER);
    CollectReport late = pass(collector(0), false);
    assertEquals("completed", late.result(), late.toJson());
    assertEquals(1, late.contentsCollected());
    assertEquals(6, late.shardsHeld());
    assertEquals(6 * Striping.parse("4+2/65536").shardLength(old.length), late.bytesHeld());
    assertEquals(Map.of(), store.servers.shardsOf(gone));
    assertEquals(6, store.servers.heldAwayCount(), "held, not deleted");
    assertEquals(Optional.empty(), store.metadata.layout(gone));
    assertEquals(6, store.servers.shardsOf(kept).size());
  }

  @Test
  void referencedContentIsNeverCollected() throws IOException {
    put("a", bytes());
    put("b", bytes());
    store.metadata.delete("b"); // a tombstone: version 1 still refers to its content
    int shards = store.servers.shardCount();
    clock.advance(Duration.ofDays(30));

    CollectReport report = pass(collector(0), false);
    assertEquals(0, report.contentsCollected(), report.toJson());
    assertEquals(shards, store.servers.shardCount());
    assertEquals(0, store.servers.heldAwayCount());
  }

  @Test
  void aVersionAddedBetweenCondemnAndForgetRevivesTheContent() throws IOException {
    byte[] body = bytes();
    ContentHash hash = unreferencedPastTheGrace(body);
    // A write whose shards were all stored before the condemnation adds its version after it.
    store.servers.beforeNextHold(() -> {
      try {
        store.metadata.add("b", body.length, hash);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });

    CollectReport report = pass(collector(0), false);
    assertEquals(1, report.contentsRevived(), report.toJson());
    assertEquals(0, report.contentsCollected(), report.toJson());
    assertEquals(6, report.shardsRestored(), report.toJson());
    assertEquals(0, store.servers.heldAwayCount());
    assertEquals(6, store.servers.shardsOf(hash).size());
    assertArrayEquals(body, get("b"));
  }

  @Test
  void aShardStoredAgainAfterTheCondemnationIsNotHeld() throws IOException {
    byte[] body = bytes();
    ContentHash hash = unreferencedPastTheGrace(body);
    // Unreferenced content is stored again, its shards kept where they are, written anew.
    store.servers.beforeNextHold(() -> uncheckedPut("b", body));

    CollectReport report = pass(collector(0), false);
    assertEquals(1, report.contentsRevived(), report.toJson());
    assertEquals(0, report.contentsCollected());
    assertEquals(0, store.servers.heldAwayCount());
    assertEquals(6, store.servers.shardsOf(hash).size());
    assertTrue(store.metadata.layout(hash).isPresent(), "not forgotten");
    assertArrayEquals(body, get("b"));
  }

  @Test
  void aWriteSlowerThanTheGraceRacedByAPassLosesNothing() throws IOException {
    byte[] body = bytes();
    ContentHash hash = unreferencedPastTheGrace(body);
    ScheduledCollector collector = collector(0);
    // The write stores its shards (some kept where they were), then a whole pass runs, a grace
    // later, before the write records its version: the pass takes every shard.
    MetadataStore racing = intercepting("add", () -> {
      clock.advance(LATER);
      assertEquals(1, pass(collector, false).contentsCollected());
    });
    ObjectStore.create(racing, store.live, store.newLocator(), store.servers, Layouts.DEFAULT,
        store.executor, Duration.ofSeconds(1), false, RepairQueue.NONE, Compression.OFF,
        ObjectStore.defaultSmallContentCache(), TransferLimit.sizedToHeap())
        .put(ObjectName.of("b"), ObjectStore.Body.of(body, Optional.empty()));
    // The shards kept are restored by the write itself, the rest by the next holding scan.
    assertTrue(store.servers.shardsOf(hash).values().stream().mapToInt(List::size).sum()
        + store.servers.heldAwayCount() >= 6);

    CollectReport next = pass(collector, false);
    assertEquals(0, next.contentsCollected(), "referenced now");
    assertEquals(0, store.servers.heldAwayCount());
    assertEquals(6, store.servers.shardsOf(hash).values().stream().flatMap(List::stream)
        .distinct().count());
    assertArrayEquals(body, get("b"));
  }

  @Test
  void aBatchHoldsEachServersShardsAtOnceAndKeepsOnlyTheContentWrittenAgain()
      throws IOException {
    List<byte[]> bodies = List.of(bytes(), bytes(), bytes());
    List<ContentHash> hashes = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      hashes.add(put("o" + i, bodies.get(i)));
      store.metadata.deleteVersion("o" + i, 1);
    }
    clock.advance(LATER);
    // The three contents make one batch; the second is stored again as its shards are held.
    store.servers.beforeNextHold(() -> uncheckedPut("again", bodies.get(1)));

    CollectReport report = pass(collector(0), false);
    assertEquals(2, report.contentsCollected(), report.toJson());
    assertEquals(1, report.contentsRevived(), report.toJson());
    assertEquals(6, store.servers.holdCalls(), "one hold request per server, for all three");
    assertEquals(Map.of(), store.servers.shardsOf(hashes.get(0)));
    assertEquals(Map.of(), store.servers.shardsOf(hashes.get(2)));
    assertEquals(12, store.servers.heldAwayCount());
    assertEquals(6, store.servers.shardsOf(hashes.get(1)).size());
    assertArrayEquals(bodies.get(1), get("again"));
  }

  @Test
  void aShardStoredWithinTheGraceIsNeverHeld() throws IOException {
    byte[] body = bytes();
    ContentHash hash = unreferencedPastTheGrace(body);
    // A write of the same content stores its shards again, and has not recorded its version.
    clock.advance(LATER);
    ContentLayout layout = store.metadata.layout(hash).orElseThrow();
    for (Map.Entry<ServerAddress, List<Integer>> on : store.servers.shardsOf(hash).entrySet()) {
      for (int index : on.getValue()) {
        store.servers.store(on.getKey(), new ShardId(hash, index), layout.striping(),
            layout.storedSize(), store.servers.shard(hash, index).orElseThrow()).await();
      }
    }
    clock.advance(Duration.ofMinutes(5));

    CollectReport report = pass(collector(0), false);
    assertEquals(0, report.contentsCollected(), report.toJson());
    assertEquals(1, report.contentsRevived());
    assertEquals(0, store.servers.heldAwayCount());
    assertTrue(store.metadata.layout(hash).isPresent());
  }

  @Test
  void orphanShardsAreCollectedOnceWrittenBeforeTheGrace() throws IOException {
    Striping striping = Striping.parse("1+2/65536");
    byte[] shard = bytes();
    ContentHash orphan = ContentHash.sha256(shard);
    List<ServerAddress> servers = store.servers.servers();
    for (int i = 0; i < 3; i++) {
      store.servers.store(servers.get(i), new ShardId(orphan, i), striping, shard.length, shard)
          .await();
    }

    CollectReport young = pass(collector(0), false);
    assertEquals(0, young.contentsCollected(), young.toJson());

    clock.advance(LATER);
    CollectReport old = pass(collector(0), false);
    assertEquals(1, old.orphansCollected(), old.toJson());
    assertEquals(1, old.contentsCollected());
    assertEquals(3, old.shardsHeld());
    assertEquals(Map.of(), store.servers.shardsOf(orphan));
    assertEquals(3, store.servers.heldAwayCount());
    assertEquals(Optional.empty(), store.metadata.layout(orphan));
  }

  @Test
  void aDryRunReportsWhatItWouldFreeAndMovesNothing() throws IOException {
    byte[] body = bytes();
    ContentHash hash = unreferencedPastTheGrace(body);
    int shards = store.servers.shardCount();

    CollectReport report = pass(collector(0), true);
    assertTrue(report.dryRun());
    assertEquals(1, report.contentsCollected(), report.toJson());
    assertEquals(6, report.shardsHeld());
    assertEquals(6 * Striping.parse("4+2/65536").shardLength(body.length), report.bytesHeld());
    assertEquals(shards, store.servers.shardCount());
    assertEquals(0, store.servers.heldAwayCount());
    assertEquals(Set.of(hash), store.metadata.wanted(List.of(hash)), "not condemned");
  }

  @Test
  void aMetadataStoreFailingMidPassRemovesNothing() throws IOException {
    unreferencedPastTheGrace(bytes());
    int shards = store.servers.shardCount();
    MetadataStore failing = failingOn("condemn");

    CollectReport report = new ScheduledCollector(failing, store.live, store.servers,
        settings(0), clock, d -> clock.advance(d), "a").pass(false).orElseThrow();
    assertTrue(report.result().startsWith("failed"), report.toJson());
    assertEquals(shards, store.servers.shardCount());
    assertEquals(0, store.servers.heldAwayCount());
  }

  @Test
  void aMetadataStoreClosedMidPassLosesNoShard() throws IOException {
    unreferencedPastTheGrace(bytes());
    int shards = store.servers.shardCount();
    store.servers.beforeNextHold(store.metadata::close);

    CollectReport report = pass(collector(0), false);
    assertTrue(report.result().startsWith("failed"), report.toJson());
    assertEquals(0, report.contentsCollected());
    assertEquals(shards, store.servers.shardCount() + store.servers.heldAwayCount());
  }

  @Test
  void retentionRemovesOldVersionsAndThenTheirContent() throws IOException {
    ContentHash first = put("r", bytes());
    ContentHash second = put("r", bytes());
    ContentHash third = put("r", bytes());
    ScheduledCollector collector = collector(1);

    CollectReport removing = pass(collector, false);
    assertEquals(2, removing.versionsRemoved(), removing.toJson());
    assertEquals(0, removing.contentsCollected(), "touched by the removal");
    assertEquals(Optional.empty(), store.metadata.version("r", 1));
    assertEquals(3, store.metadata.latest("r").orElseThrow().number());

    clock.advance(LATER);
    CollectReport collecting = pass(collector, false);
    assertEquals(2, collecting.contentsCollected(), collecting.toJson());
    assertEquals(Map.of(), store.servers.shardsOf(first));
    assertEquals(Map.of(), store.servers.shardsOf(second));
    assertEquals(6, store.servers.shardsOf(third).size());
  }

  @Test
  void theHoldingScanRestoresWantedContent() throws IOException {
    byte[] body = bytes();
    ContentHash hash = put("a", body);
    ServerAddress server = store.servers.shardsOf(hash).keySet().iterator().next();
    ShardId shard = new ShardId(hash, store.servers.shardsOf(hash).get(server).get(0));
    assertEquals(Map.of(shard, Hold.HELD),
        store.servers.hold(server, List.of(shard), Instant.MAX));

    CollectReport report = pass(collector(0), false);
    assertEquals(1, report.shardsRestored(), report.toJson());
    assertEquals(0, store.servers.heldAwayCount());
    assertEquals(6, store.servers.shardsOf(hash).size());
    assertArrayEquals(body, get("a"));
  }

  @Test
  void aDataServerFailingKeepsTheContentCondemnedUntilTheNextPass() throws IOException {
    ContentHash hash = unreferencedPastTheGrace(bytes());
    ServerAddress failing = store.servers.shardsOf(hash).keySet().iterator().next();
    store.servers.beforeNextHold(() -> store.servers.takeDown(failing));
    ScheduledCollector collector = collector(0);

    CollectReport first = pass(collector, false);
    assertEquals(0, first.contentsCollected(), first.toJson());
    // The server down fails the holding scan too, a failure about no content.
    assertEquals(List.of(hash.hex()), first.failures().stream()
        .flatMap(f -> f.hash().stream()).toList(), first.toJson());
    assertTrue(store.metadata.layout(hash).isPresent(), "kept");
    assertEquals(Set.of(), store.metadata.wanted(List.of(hash)), "condemned still");

    store.servers.bringUp(failing);
    CollectReport second = pass(collector, false);
    assertEquals(1, second.contentsCollected(), second.toJson());
    assertEquals(Map.of(), store.servers.shardsOf(hash));
    assertEquals(6, store.servers.heldAwayCount());
  }

  @Test
  void contentWithShardsOnAServerNotLiveIsKeptUntilItComesBack() throws IOException {
    ContentHash hash = put("a", bytes());
    store.metadata.deleteVersion("a", 1);
    ScheduledCollector collector = collector(0);
    pass(collector, false); // sees every server live
    ServerAddress away = store.servers.shardsOf(hash).keySet().iterator().next();
    store.servers.takeDown(away);
    store.live.dropUntilHeard(away);
    clock.advance(LATER);

    CollectReport first = pass(collector, false);
    assertEquals(0, first.contentsCollected(), first.toJson());
    assertEquals(List.of(Optional.of(hash.hex())),
        first.failures().stream().map(f -> f.hash()).toList());
    assertEquals(0, store.servers.heldAwayCount());
    assertTrue(store.metadata.layout(hash).isPresent(), "kept");

    store.servers.bringUp(away);
    store.live.heard(away);
    CollectReport second = pass(collector, false);
    assertEquals(1, second.contentsCollected(), second.toJson());
    assertEquals(6, store.servers.heldAwayCount());
  }

  @Test
  void contentKeptInlineIsCollectedWithItsBytesWhileAServerIsAway() throws IOException {
    byte[] small = new byte[4096];
    random.nextBytes(small);
    ContentHash hash = put("small", small);
    assertTrue(store.metadata.inline(hash).isPresent());
    store.metadata.deleteVersion("small", 1);
    ScheduledCollector collector = collector(0);
    pass(collector, false); // sees every server live
    ServerAddress away = store.servers.servers().get(0);
    store.servers.takeDown(away);
    store.live.dropUntilHeard(away);
    clock.advance(LATER);

    // No shard of it can be on the server away: nothing to wait for.
    CollectReport report = pass(collector, false);
    assertEquals(1, report.contentsCollected(), report.toJson());
    assertEquals(0, report.shardsHeld());
    assertEquals(Optional.empty(), store.metadata.layout(hash));
    assertEquals(Optional.empty(), store.metadata.inline(hash));
  }

  @Test
  void shardsLeftBesideContentKeptInlineAreCollectedAsOrphans() throws IOException {
    byte[] small = new byte[4096];
    random.nextBytes(small);
    // A write that stored no content inline died after its shards, before its version.
    ObjectStore inShards = ObjectStore.create(failingOn("add"), store.live, store.newLocator(),
        store.servers, Layouts.DEFAULT.withInlineBelow(0), store.executor,
        Duration.ofSeconds(1), false, RepairQueue.NONE, Compression.OFF,
        ObjectStore.defaultSmallContentCache(), TransferLimit.sizedToHeap());
    assertThrows(OstoreException.class, () -> inShards.put(ObjectName.of("small"),
        ObjectStore.Body.of(small, Optional.empty())));
    int leftOver = store.servers.shardCount();
    assertTrue(leftOver > 0);
    ContentHash hash = put("small", small);
    assertTrue(store.metadata.layout(hash).orElseThrow().isInline());
    assertEquals(leftOver, store.servers.shardsOf(hash).values().stream()
        .mapToInt(List::size).sum());
    clock.advance(LATER);

    CollectReport report = pass(collector(0), false);
    assertEquals(1, report.orphansCollected(), report.toJson());
    assertEquals(leftOver, report.shardsHeld());
    assertEquals(0, report.shardsRestored(), "not wanted: the content reads no shard");
    assertEquals(Map.of(), store.servers.shardsOf(hash));
    assertEquals(leftOver, store.servers.heldAwayCount());
    assertTrue(store.metadata.layout(hash).orElseThrow().isInline(), "its row kept");
    assertArrayEquals(small, store.metadata.inline(hash).orElseThrow());
    assertArrayEquals(small, get("small"));
  }

  @Test
  void onlyOneCollectorRunsAtATime() throws IOException {
    assertTrue(store.metadata.lease(CollectPass.LEASE, "other", clock.instant(),
        Duration.ofMinutes(2)));
    CollectReport report = pass(collector(0), false);
    assertTrue(report.result().startsWith("skipped"), report.result());
  }

  @Test
  void thePassKeepsToItsRate() throws IOException {
    for (int i = 0; i < 6; i++) {
      put("o" + i, bytes());
      store.metadata.deleteVersion("o" + i, 1);
    }
    clock.advance(LATER);
    Instant start = clock.instant();
    CollectSettings slow = new CollectSettings(Duration.ofHours(1), GRACE, 0, Optional.empty(),
        2, 1000, Duration.ofMinutes(2));
    CollectReport report = new ScheduledCollector(store.metadata, store.live, store.servers,
        slow, clock, d -> clock.advance(d), "a").pass(false).orElseThrow();
    assertEquals(6, report.contentsCollected(), report.toJson());
    // 6 contents at 2 a second, the first second's burst free.
    assertEquals(Duration.ofSeconds(2), Duration.between(start, clock.instant()));
  }

  ScheduledCollector collector(int keep) {
    Throttle.Pause pause = clock::advance;
    return new ScheduledCollector(store.metadata, store.live, store.servers, settings(keep),
        clock, pause, "a");
  }

  static CollectSettings settings(int keep) {
    return new CollectSettings(Duration.ofHours(1), GRACE, keep, Optional.empty(), 0, 3,
        Duration.ofMinutes(2));
  }

  static CollectReport pass(ScheduledCollector collector, boolean dryRun) {
    return collector.pass(dryRun).orElseThrow();
  }

  /** The metadata store, but every call of {@code method} fails as a database gone would. */
  MetadataStore failingOn(String method) {
    return intercepting(method, () -> {
      throw new UncheckedIOException(
          new OstoreException(ErrorCode.METADATA_UNAVAILABLE, "database gone"));
    });
  }

  /** The metadata store, but {@code before} runs before each call of {@code method}. */
  MetadataStore intercepting(String method, Runnable before) {
    return (MetadataStore) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {MetadataStore.class}, (proxy, called, args) -> {
          if (called.getName().equals(method)) {
            try {
              before.run();
            } catch (UncheckedIOException e) {
              throw e.getCause();
            }
          }
          try {
            return called.invoke(store.metadata, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  byte[] bytes() {
    byte[] body = new byte[300_000];
    random.nextBytes(body);
    return body;
  }

  ContentHash put(String name, byte[] body) throws IOException {
    return objects.put(ObjectName.of(name), ObjectStore.Body.of(body, Optional.empty())).hash()
        .orElseThrow();
  }

  /** Stores {@code body} as version 1 of "a", removes that version, and lets the grace pass. */
  ContentHash unreferencedPastTheGrace(byte[] body) throws IOException {
    ContentHash hash = put("a", body);
    store.metadata.deleteVersion("a", 1);
    clock.advance(LATER);
    return hash;
  }

  void uncheckedPut(String name, byte[] body) {
    try {
      put(name, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads {@code name} through an object store of its own, which remembers nothing. */
  byte[] get(String name) throws IOException {
    ObjectStore fresh = store.objects(Compression.OFF);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectStore.Content content = fresh.open(
        fresh.resolve(ObjectName.of(name), OptionalLong.empty()))) {
      content.copyTo(out);
    }
    return out.toByteArray();
  }
}
