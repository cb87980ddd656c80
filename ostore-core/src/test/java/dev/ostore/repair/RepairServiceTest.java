package dev.ostore.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ObjectName;
import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.compress.Compression;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.object.ContentRepair;
import dev.ostore.object.FakeDataServers;
import dev.ostore.object.Layouts;
import dev.ostore.object.ObjectStore;
import dev.ostore.object.RepairQueue;
import dev.ostore.object.TransferLimit;
import dev.ostore.pass.Throttle;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passes of the repair service over seven fake data servers: what a lost server costs, when it
 * is repaired around, one pass per cluster, and the rate, all on a fake clock.
 */
class RepairServiceTest {
  static final int CONTENTS = 12;

  final MessageBus bus = MessageBus.inMemory();
  final ExecutorService executor = Executors.newCachedThreadPool();
  final FakeClock clock = new FakeClock();
  @TempDir Path dir;
  FakeDataServers servers;
  LiveServers live;
  MetadataStore metadata;
  ContentRepair repair;
  List<ContentHash> hashes = new ArrayList<>();
  Duration paused = Duration.ZERO;

  @BeforeEach
  void sevenDataServersWithContent() throws IOException {
    servers = new FakeDataServers(bus, 7);
    live = LiveServers.listen(bus, clock, Duration.ofSeconds(10));
    servers.servers().forEach(live::heard);
    Locator locator = Locator.overBus(bus, live, Duration.ofSeconds(1));
    metadata = MetadataStore.embedded(dir.resolve("metadata.db"));
    repair = ContentRepair.create(metadata, live, locator, servers, Layouts.DEFAULT, executor);
    // Small contents on data servers too (none in the metadata store), rebuilt with the large.
    ObjectStore objects = ObjectStore.create(metadata, live, locator, servers,
        Layouts.DEFAULT.withInlineBelow(0), executor, Duration.ofSeconds(1), false,
        RepairQueue.NONE, Compression.DEFAULT, ObjectStore.defaultSmallContentCache(),
        TransferLimit.sizedToHeap());
    Random random = new Random(1);
    for (int i = 0; i < CONTENTS; i++) {
      byte[] body = new byte[i % 2 == 0 ? 300_000 : 3_000];
      random.nextBytes(body);
      hashes.add(objects.put(ObjectName.of("o" + i), body(body)).hash().orElseThrow());
    }
  }

  @AfterEach
  void stop() {
    servers.close();
    live.close();
    metadata.close();
    bus.close();
    executor.shutdownNow();
  }

  @Test
  void aWipedServerIsRefilledAndThePassSaysWhatItDid() {
    ServerAddress wiped = servers.servers().get(3);
    int lost = (int) hashes.stream().filter(h -> servers.shardsOf(h).containsKey(wiped)).count();
    servers.wipe(wiped);

    PassReport report = service("a", 50_000_000, Duration.ofMinutes(15)).pass().orElseThrow();

    assertEquals("completed", report.result(), report.toJson());
    assertEquals(CONTENTS, report.contentsChecked());
    assertEquals(lost, report.shardsMissing());
    assertEquals(lost, report.shardsRebuilt());
    assertEquals(List.of(), report.failures());
    assertTrue(report.bytesRead() > 0 && report.bytesWritten() > 0, report.toJson());
    IntStream.range(0, CONTENTS).forEach(this::assertFullyRedundant);
  }

  @Test
  void contentKeptInlineIsCheckedAndNeedsNoRebuild() throws IOException {
    ObjectStore inline = ObjectStore.create(metadata, live,
        Locator.overBus(bus, live, Duration.ofSeconds(1)), servers, Layouts.DEFAULT, executor,
        Duration.ofSeconds(1), false, RepairQueue.NONE, Compression.DEFAULT, 0,
        TransferLimit.sizedToHeap());
    byte[] small = new byte[3_000];
    new Random(2).nextBytes(small);
    inline.put(ObjectName.of("small"), body(small));
    servers.wipe(servers.servers().get(3));

    PassReport report = service("a", 50_000_000, Duration.ofMinutes(15)).pass().orElseThrow();

    assertEquals("completed", report.result(), report.toJson());
    assertEquals(CONTENTS + 1, report.contentsChecked());
    assertEquals(List.of(), report.failures());
    IntStream.range(0, CONTENTS).forEach(this::assertFullyRedundant);
  }

  @Test
  void listingsAreMergedNotLocatedPerContent() {
    servers.wipe(servers.servers().get(0));
    int before = servers.listCalls();
    service("a", 50_000_000, Duration.ofMinutes(15)).pass().orElseThrow();
    // One page per server covers the 48 shards here: 7 listing calls for 12 contents.
    assertEquals(7, servers.listCalls() - before);
  }

  @Test
  void aServerDownForLessThanRepairAfterIsNotYetRepairedAround() {
    ScheduledRepairs service = service("a", 50_000_000, Duration.ofMinutes(15));
    service.pass().orElseThrow(); // sees every server live
    ServerAddress away = servers.servers().get(2);
    int held = (int) hashes.stream().filter(h -> servers.shardsOf(h).containsKey(away)).count();
    servers.takeDown(away);
    live.dropUntilHeard(away);

    PassReport early = service.pass().orElseThrow();
    assertEquals(held, early.contentsDeferred(), early.toJson());
    assertEquals(0, early.shardsRebuilt());

    clock.advance(Duration.ofMinutes(16));
    servers.servers().stream().filter(s -> !s.equals(away)).forEach(live::heard);
    PassReport late = service.pass().orElseThrow();
    assertEquals(0, late.contentsDeferred(), late.toJson());
    assertEquals(held, late.shardsRebuilt());
    servers.wipe(away); // what came back would be surplus: left out of the count
    servers.bringUp(away);
    IntStream.range(0, CONTENTS).forEach(this::assertFullyRedundant);
  }

  @Test
  void onlyOneServiceRepairsAtATime() throws IOException {
    servers.wipe(servers.servers().get(5));
    ScheduledRepairs other = service("b", 50_000_000, Duration.ofMinutes(15));
    assertTrue(metadata.lease(RepairPass.LEASE, "a", clock.instant(), Duration.ofMinutes(2)));

    PassReport skipped = other.pass().orElseThrow();
    assertTrue(skipped.result().startsWith("skipped"), skipped.result());
    assertEquals(0, skipped.shardsRebuilt());

    clock.advance(Duration.ofMinutes(2));
    servers.servers().forEach(live::heard);
    PassReport taken = other.pass().orElseThrow();
    assertEquals("completed", taken.result(), "the lease of a dead holder expires");
    assertTrue(taken.shardsRebuilt() > 0);
    assertTrue(metadata.lease(RepairPass.LEASE, "a", clock.instant(), Duration.ofMinutes(2)),
        "released at the end of the pass");
  }

  @Test
  void thePassKeepsToItsRate() {
    servers.wipe(servers.servers().get(1));
    PassReport report = service("a", 100_000, Duration.ofMinutes(15)).pass().orElseThrow();
    long bytes = report.bytesRead() + report.bytesWritten();
    Duration expected = Duration.ofMillis(bytes * 1000 / 100_000).minusSeconds(1);
    assertTrue(bytes > 500_000, report.toJson());
    // The last stripe's booking may run ahead of the clock by up to the one-second burst.
    assertTrue(paused.compareTo(expected.minusMillis(100)) >= 0
        && paused.compareTo(expected.plusMillis(100)) <= 0, paused + " for " + bytes + " bytes");
  }

  ScheduledRepairs service(String holder, long rate, Duration after) {
    Throttle.Pause pause = d -> {
      paused = paused.plus(d);
      clock.advance(d);
    };
    return new ScheduledRepairs(metadata, live, servers, repair,
        new RepairSettings(Duration.ofHours(1), after, rate, Duration.ofMinutes(2), 1000),
        clock, pause, holder);
  }

  /** Every shard of content {@code i} on a live server of its own: 4+2 or, small, 1+2. */
  void assertFullyRedundant(int i) {
    var shards = servers.shardsOf(hashes.get(i));
    assertEquals(i % 2 == 0 ? 6 : 3, shards.size(), shards.toString());
    shards.values().forEach(held -> assertEquals(1, held.size(), shards.toString()));
  }

  static ObjectStore.Body body(byte[] bytes) {
    return ObjectStore.Body.of(bytes, Optional.empty());
  }
}
