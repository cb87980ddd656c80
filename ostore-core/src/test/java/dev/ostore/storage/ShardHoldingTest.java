package dev.ostore.storage;

import static dev.ostore.storage.ShardStoreTest.HASH;
import static dev.ostore.storage.ShardStoreTest.LAYOUT;
import static dev.ostore.storage.ShardStoreTest.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ShardId;
import dev.ostore.TestData;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.storage.ShardStore.Hold;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Holding, restoring and purging shards for a collection, on disk, by a fake clock. */
class ShardHoldingTest {
  static final Duration HOLD_FOR = Duration.ofDays(7);
  static final Instant START = FakeClock.START;
  static final ShardId ID = new ShardId(HASH, 1);

  @TempDir
  Path root;
  final FakeClock clock = new FakeClock();
  ShardStore store;

  @BeforeEach
  void open() throws IOException {
    store = reopen();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aShardWrittenSinceIsNotHeld() throws IOException {
    put(ID, 1);
    clock.advance(Duration.ofMinutes(1));
    assertEquals(START, written(ID));
    assertEquals(Hold.WRITTEN_SINCE, hold(ID, START));
    assertEquals(List.of(ID), store.list(Optional.empty(), 10));
    assertEquals(Hold.HELD, hold(ID, START.plusMillis(1)));
    assertHeldOnly(ID, START.plus(Duration.ofMinutes(1)));
    assertEquals(Hold.ABSENT, hold(ID, clock.instant()));
    assertEquals(Hold.ABSENT, hold(new ShardId(HASH, 2), clock.instant()));
  }

  @Test
  void aBatchAnswersEachShardInOrderAndMovesOnlyTheHeld() throws IOException {
    ShardId old = new ShardId(HASH, 0);
    ShardId absent = new ShardId(HASH, 2);
    ShardId recent = new ShardId(HASH, 3);
    put(old, 1);
    clock.advance(Duration.ofMinutes(1));
    byte[] kept = put(recent, 2);
    Map<ShardId, Hold> answers = store.hold(List.of(recent, absent, old), START.plusSeconds(1));
    assertEquals(List.of(recent, absent, old), List.copyOf(answers.keySet()));
    assertEquals(Map.of(recent, Hold.WRITTEN_SINCE, absent, Hold.ABSENT, old, Hold.HELD),
        answers);
    assertEquals(Map.of(old, clock.instant()), store.listHeld(Optional.empty(), 10));
    assertEquals(List.of(recent), store.list(Optional.empty(), 10));
    assertArrayEquals(kept, readAll(recent));
    assertEquals(1, filesUnder("holding"));
  }

  @Test
  void anIdRepeatedInABatchIsAnsweredOnceAsTheFirstTime() throws IOException {
    ShardId absent = new ShardId(HASH, 2);
    put(ID, 1);
    Map<ShardId, Hold> answers = store.hold(List.of(ID, absent, ID, absent), START.plusSeconds(1));
    assertEquals(List.of(ID, absent), List.copyOf(answers.keySet()));
    assertEquals(Map.of(ID, Hold.HELD, absent, Hold.ABSENT), answers);
    assertHeldOnly(ID, START);
  }

  @Test
  void anEmptyBatchHoldsNothing() throws IOException {
    put(ID, 1);
    assertEquals(Map.of(), store.hold(List.of(), clock.instant().plusSeconds(1)));
    assertEquals(List.of(ID), store.list(Optional.empty(), 10));
  }

  @Test
  void storingAShardKeptExistingMakesItWrittenNow() throws IOException {
    byte[] first = put(ID, 1);
    clock.advance(Duration.ofHours(1));
    assertTrue(ShardStoreTest.put(store, ID, LAYOUT, TestData.randomBytes(250, 2)));
    assertEquals(START.plus(Duration.ofHours(1)), written(ID));
    assertEquals(Hold.WRITTEN_SINCE, hold(ID, START.plusSeconds(1)));
    assertArrayEquals(first, readAll(ID));
  }

  @Test
  void aWrittenTimeIsRoundedUpToTheSecond() throws IOException {
    clock.advance(Duration.ofMillis(1));
    put(ID, 1);
    assertEquals(START.plusSeconds(1), written(ID));
  }

  @Test
  void aRestoredShardIsBackInPlaceWrittenNow() throws IOException {
    byte[] bytes = put(ID, 1);
    assertEquals(Hold.HELD, hold(ID, START.plusSeconds(1)));
    clock.advance(Duration.ofHours(2));
    assertTrue(store.restore(ID));
    assertFalse(store.restore(ID), "none held any more");
    assertEquals(Map.of(), store.listHeld(Optional.empty(), 10));
    assertEquals(List.of(ID.index()), store.held(HASH));
    assertArrayEquals(bytes, readAll(ID));
    assertEquals(clock.instant(), written(ID));
    assertEquals(0, filesUnder("holding"));
  }

  @Test
  void restoringAShardStoredAgainMeanwhileDropsTheHeldCopy() throws IOException {
    put(ID, 1);
    assertEquals(Hold.HELD, hold(ID, START.plusSeconds(1)));
    clock.advance(Duration.ofMinutes(5));
    byte[] again = TestData.randomBytes(250, 3);
    assertFalse(ShardStoreTest.put(store, ID, LAYOUT, again), "not in place: stored anew");
    assertTrue(store.restore(ID));
    assertArrayEquals(again, readAll(ID));
    assertEquals(Map.of(), store.listHeld(Optional.empty(), 10));
    assertEquals(0, filesUnder("holding"));
    assertFalse(store.restore(new ShardId(HASH, 4)));
  }

  @Test
  void heldShardsArePurgedOnlyOnceHeldForTheHoldPeriod() throws IOException {
    put(ID, 1);
    assertEquals(Hold.HELD, hold(ID, START.plusSeconds(1)));
    clock.advance(HOLD_FOR.minusSeconds(1));
    assertEquals(0, store.purgeHeld());
    assertEquals(1, filesUnder("holding"));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, store.purgeHeld());
    assertEquals(0, store.purgeHeld());
    assertEquals(Map.of(), store.listHeld(Optional.empty(), 10));
    assertFalse(store.restore(ID));
    assertEquals(0, filesUnder("holding") + filesUnder("shards"));
  }

  @Test
  void heldShardsStayHeldAcrossARestartAndArePurgedAtStartWhenDue() throws IOException {
    ShardId kept = new ShardId(HASH, 0);
    ShardId other = new ShardId(HASH, 3);
    put(kept, 1);
    put(ID, 2);
    put(other, 3);
    clock.advance(Duration.ofDays(1));
    assertEquals(Hold.HELD, hold(ID, clock.instant()));
    clock.advance(Duration.ofDays(1));
    assertEquals(Hold.HELD, hold(other, clock.instant()));
    store.close();
    store = reopen();
    assertEquals(List.of(kept), store.list(Optional.empty(), 10));
    assertEquals(Map.of(ID, START.plus(Duration.ofDays(1)), other,
        START.plus(Duration.ofDays(2))), store.listHeld(Optional.empty(), 10));
    assertEquals(List.of(other), List.copyOf(store.listHeld(Optional.of(ID), 10).keySet()));
    assertEquals(List.of(ID), List.copyOf(store.listHeld(Optional.empty(), 1).keySet()));
    store.close();
    clock.advance(HOLD_FOR.minus(Duration.ofDays(1)));
    store = reopen();
    assertEquals(List.of(other), List.copyOf(store.listHeld(Optional.empty(), 10).keySet()));
    assertTrue(store.restore(other));
    assertEquals(List.of(0, 3), store.held(HASH));
  }

  @Test
  void holdingAShardHeldAlreadyReplacesTheOlderCopy() throws IOException {
    put(ID, 1);
    assertEquals(Hold.HELD, hold(ID, START.plusSeconds(1)));
    clock.advance(Duration.ofHours(1));
    byte[] newer = put(ID, 2);
    clock.advance(Duration.ofHours(1));
    assertEquals(Hold.HELD, hold(ID, clock.instant()));
    assertHeldOnly(ID, clock.instant());
    assertTrue(store.restore(ID));
    assertArrayEquals(newer, readAll(ID));
  }

  /** Only {@code id} is held, since {@code at}, and not in place any more. */
  private void assertHeldOnly(ShardId id, Instant at) throws IOException {
    assertEquals(Map.of(id, at), store.listHeld(Optional.empty(), 10));
    assertEquals(Optional.empty(), store.open(id));
    assertEquals(List.of(), store.held(id.hash()));
    assertEquals(List.of(), store.list(Optional.empty(), 10));
    assertEquals(1, filesUnder("holding"));
    assertTrue(Files.exists(root.resolve("holding").resolve(id.hash().hex().substring(0, 2))
        .resolve(id.toString())));
  }

  /** Holds one shard, as a batch of one. */
  private Hold hold(ShardId id, Instant writtenBefore) throws IOException {
    return store.hold(List.of(id), writtenBefore).get(id);
  }

  private ShardStore reopen() throws IOException {
    return ShardStore.onDisk(root, ShardStoreTest.MAX_UPLOADS, clock, HOLD_FOR);
  }

  /** Stores shard {@code id} of random bytes made from {@code seed}; returns the bytes. */
  private byte[] put(ShardId id, int seed) throws IOException {
    byte[] bytes = TestData.randomBytes(250, seed);
    ShardStoreTest.put(store, id, LAYOUT, bytes);
    return bytes;
  }

  private Instant written(ShardId id) throws IOException {
    try (ShardFile file = store.open(id).orElseThrow()) {
      return file.written();
    }
  }

  private byte[] readAll(ShardId id) throws IOException {
    try (ShardFile file = store.open(id).orElseThrow()) {
      return read(file, 0, LAYOUT.blockCount());
    }
  }

  private long filesUnder(String directory) throws IOException {
    return TestData.filesUnder(root.resolve(directory));
  }
}
