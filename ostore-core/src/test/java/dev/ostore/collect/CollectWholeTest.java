package dev.ostore.collect;

import static dev.ostore.collect.CollectorTest.pass;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ObjectName;
import dev.ostore.ServerAddress;
import dev.ostore.compress.Compression;
import dev.ostore.dataserver.DataServerClient.Hold;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.object.FakeStore;
import dev.ostore.object.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collection passes over whole copies, content stored before erasure coding, on fake data
 * servers: which are held (converted, or referred to by no version), which stay (still read
 * whole, or written within the grace), and the undo of a hold a version needs.
 */
class CollectWholeTest {
  final FakeClock clock = new FakeClock();
  @TempDir Path dir;
  FakeStore store;
  ServerAddress server;
  final Random random = new Random(11);

  @BeforeEach
  void start() throws IOException {
    store = new FakeStore(dir, clock);
    server = store.servers.servers().get(4);
  }

  @AfterEach
  void stop() {
    store.close();
  }

  @Test
  void wholeCopiesNoReaderNeedsAreHeldOnceWrittenBeforeTheGrace() throws IOException {
    byte[] converted = bytes(300_000);
    byte[] garbage = bytes(5_000);
    byte[] stillRead = bytes(70_000);
    for (byte[] body : new byte[][] {converted, garbage, stillRead}) {
      store.servers.storeWhole(server, body, clock.instant());
    }
    // The first is also stored as shards; a version refers to the third, which is not.
    put("converted", converted);
    store.metadata.add("old", stillRead.length, ContentHash.sha256(stillRead));
    clock.advance(CollectorTest.LATER);
    byte[] recent = bytes(1_000);
    store.servers.storeWhole(server, recent, clock.instant());

    CollectReport report = pass(collector(), false);

    assertEquals("completed", report.result(), report.toJson());
    assertEquals(2, report.wholeCopiesHeld(), report.toJson());
    assertEquals(converted.length + garbage.length, report.bytesHeld(), report.toJson());
    assertEquals(0, report.contentsCollected(), "no content is gone: the first is in shards");
    assertEquals(Set.of(ContentHash.sha256(converted), ContentHash.sha256(garbage)),
        store.servers.wholeHeldAway(server));
    assertTrue(store.servers.hasWhole(server, ContentHash.sha256(stillRead)));
    assertTrue(store.servers.hasWhole(server, ContentHash.sha256(recent)));
    assertEquals(6, store.servers.shardsOf(ContentHash.sha256(converted)).size());
  }

  @Test
  void aDryRunCountsTheWholeCopiesItWouldHoldAndHoldsNone() throws IOException {
    byte[] garbage = bytes(5_000);
    store.servers.storeWhole(server, garbage, clock.instant());
    clock.advance(CollectorTest.LATER);

    CollectReport report = pass(collector(), true);

    assertEquals(1, report.wholeCopiesHeld(), report.toJson());
    assertEquals(garbage.length, report.bytesHeld());
    assertTrue(store.servers.hasWhole(server, ContentHash.sha256(garbage)));
    assertEquals(Set.of(), store.servers.wholeHeldAway(server));
  }

  @Test
  void aHeldWholeCopyThatAVersionReadsIsPutBackByTheNextPass() throws IOException {
    byte[] body = bytes(5_000);
    ContentHash hash = ContentHash.sha256(body);
    store.servers.storeWhole(server, body, clock.instant());
    // Held by a pass, then referred to by a version an api server of an earlier release wrote.
    assertEquals(Hold.HELD, store.servers.holdWhole(server, hash, Instant.MAX));
    store.metadata.add("old", body.length, hash);

    CollectReport report = pass(collector(), false);

    assertEquals(1, report.wholeCopiesRestored(), report.toJson());
    assertEquals(0, report.wholeCopiesHeld(), report.toJson());
    assertTrue(store.servers.hasWhole(server, hash));
    assertEquals(Set.of(), store.servers.wholeHeldAway(server));
  }

  @Test
  void aServerDownKeepsItsWholeCopiesAndThePassGoesOn() throws IOException {
    ServerAddress other = store.servers.servers().get(1);
    byte[] here = bytes(5_000);
    byte[] there = bytes(6_000);
    store.servers.storeWhole(server, here, clock.instant());
    store.servers.storeWhole(other, there, clock.instant());
    clock.advance(CollectorTest.LATER);
    store.servers.takeDown(other);

    CollectReport report = pass(collector(), false);

    assertEquals(1, report.wholeCopiesHeld(), report.toJson());
    assertTrue(report.failures().stream().anyMatch(f -> f.reason().contains(other.toString())),
        report.toJson());
    store.servers.bringUp(other);
    assertTrue(store.servers.hasWhole(other, ContentHash.sha256(there)));
    assertFalse(store.servers.hasWhole(server, ContentHash.sha256(here)));
  }

  ScheduledCollector collector() {
    return new ScheduledCollector(store.metadata, store.live, store.servers,
        CollectorTest.settings(0), clock, clock::advance, "a");
  }

  byte[] bytes(int size) {
    byte[] body = new byte[size];
    random.nextBytes(body);
    return body;
  }

  void put(String name, byte[] body) throws IOException {
    store.objects(Compression.OFF).put(ObjectName.of(name),
        ObjectStore.Body.of(body, Optional.empty()));
  }
}
