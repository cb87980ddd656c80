package dev.ostore.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.TestData;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.storage.ContentStore.Listed;
import dev.ostore.storage.ShardStore.Hold;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing, holding, restoring and purging content stored whole, on disk, by a fake clock. */
class ContentHoldingTest {
  static final Duration HOLD_FOR = Duration.ofDays(7);
  static final Instant START = FakeClock.START;
  static final byte[] BYTES = "whole".getBytes(UTF_8);
  static final ContentHash HASH = ContentHash.sha256(BYTES);

  @TempDir
  Path root;
  final FakeClock clock = new FakeClock();
  ContentStore store;

  @BeforeEach
  void open() throws IOException {
    store = reopen();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void listsContentInHashOrderAPageAtATimeWithSizeAndWrittenTime() throws IOException {
    List<Listed> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] bytes = TestData.randomBytes(10 + i, i);
      put(bytes);
      all.add(new Listed(ContentHash.sha256(bytes), bytes.length, clock.instant()));
      clock.advance(Duration.ofMinutes(1));
    }
    all.sort((a, b) -> a.hash().hex().compareTo(b.hash().hex()));
    assertEquals(all, store.listed(Optional.empty(), 10));
    assertEquals(all.subList(0, 2), store.listed(Optional.empty(), 2));
    assertEquals(all.subList(2, 3), store.listed(Optional.of(all.get(1).hash()), 2));
    assertEquals(List.of(), store.listed(Optional.of(all.get(2).hash()), 2));
    assertEquals(List.of(), store.listed(Optional.empty(), 0));
    assertThrows(IllegalArgumentException.class, () -> store.listed(Optional.empty(), -1));
  }

  @Test
  void storingContentAgainRecordsItAsWrittenNowSoAnEarlierHoldKeepsIt() throws IOException {
    put(BYTES);
    clock.advance(Duration.ofHours(1));
    Instant condemned = clock.instant();
    put(BYTES);
    assertEquals(List.of(new Listed(HASH, BYTES.length, condemned)),
        store.listed(Optional.empty(), 10));
    assertEquals(Hold.WRITTEN_SINCE, store.hold(HASH, condemned));
    assertTrue(store.contains(HASH));
  }

  @Test
  void contentWrittenSinceIsKeptAndHeldContentIsNeitherFoundReadNorListed() throws IOException {
    put(BYTES);
    clock.advance(Duration.ofMinutes(1));
    assertEquals(Hold.WRITTEN_SINCE, store.hold(HASH, START));
    assertTrue(store.contains(HASH));
    assertEquals(Hold.HELD, store.hold(HASH, START.plusMillis(1)));
    assertFalse(store.contains(HASH));
    assertEquals(Optional.empty(), store.open(HASH));
    assertEquals(Optional.empty(), store.size(HASH));
    assertEquals(List.of(), store.listed(Optional.empty(), 10));
    assertEquals(Map.of(HASH, clock.instant()), store.listHeld(Optional.empty(), 10));
    assertTrue(Files.exists(root.resolve("holding-objects").resolve(HASH.hex())));
    assertEquals(Hold.ABSENT, store.hold(HASH, clock.instant()), "held already");
    assertEquals(Hold.ABSENT, store.hold(ContentHash.sha256(new byte[0]), clock.instant()));
  }

  @Test
  void aRestorePutsHeldContentBackAsWrittenNow() throws IOException {
    put(BYTES);
    clock.advance(Duration.ofMinutes(1));
    store.hold(HASH, clock.instant());
    clock.advance(Duration.ofMinutes(1));
    assertTrue(store.restore(HASH));
    assertTrue(store.contains(HASH));
    assertArrayEquals(BYTES, read(HASH));
    assertEquals(List.of(new Listed(HASH, BYTES.length, clock.instant())),
        store.listed(Optional.empty(), 10));
    assertEquals(Map.of(), store.listHeld(Optional.empty(), 10));
    assertFalse(store.restore(HASH), "nothing held any more");
  }

  @Test
  void aCommitOfHeldContentStoresItAnewAndARestoreThenDropsTheHeldCopy() throws IOException {
    put(BYTES);
    clock.advance(Duration.ofMinutes(1));
    store.hold(HASH, clock.instant());
    clock.advance(Duration.ofMinutes(1));
    put(BYTES);
    assertTrue(store.contains(HASH));
    assertArrayEquals(BYTES, read(HASH));
    assertEquals(List.of(new Listed(HASH, BYTES.length, clock.instant())),
        store.listed(Optional.empty(), 10));
    assertEquals(1, store.listHeld(Optional.empty(), 10).size(), "the held copy waits");
    assertTrue(store.restore(HASH));
    assertEquals(Map.of(), store.listHeld(Optional.empty(), 10));
    assertEquals(List.of(), files("holding-objects"));
    assertArrayEquals(BYTES, read(HASH));
  }

  @Test
  void heldContentIsDeletedForGoodOnlyOnceHeldLongerThanTheHoldPeriod() throws IOException {
    put(BYTES);
    store.hold(HASH, clock.instant().plusSeconds(1));
    clock.advance(HOLD_FOR.minusSeconds(1));
    assertEquals(0, store.purgeHeld());
    assertEquals(1, store.listHeld(Optional.empty(), 10).size());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, store.purgeHeld());
    assertEquals(Map.of(), store.listHeld(Optional.empty(), 10));
    assertEquals(List.of(), files("holding-objects"));
    assertFalse(store.restore(HASH));
    assertFalse(store.contains(HASH));
  }

  @Test
  void reopeningKeepsHeldContentHeldInOrderAndDeletesWhatIsDue() throws IOException {
    byte[] other = "other".getBytes(UTF_8);
    put(BYTES);
    put(other);
    store.hold(HASH, clock.instant().plusSeconds(1));
    clock.advance(Duration.ofDays(1));
    store.hold(ContentHash.sha256(other), clock.instant().plusSeconds(1));
    Files.writeString(root.resolve("holding-objects").resolve("README.txt"), "not ours");
    store.close();
    clock.advance(HOLD_FOR.minusDays(1));
    store = reopen();
    assertEquals(Map.of(ContentHash.sha256(other), START.plus(Duration.ofDays(1))),
        store.listHeld(Optional.empty(), 10));
    assertFalse(store.contains(ContentHash.sha256(other)));
    assertFalse(store.restore(HASH), "deleted for good as the store opened");
    assertTrue(store.restore(ContentHash.sha256(other)));
    assertArrayEquals(other, read(ContentHash.sha256(other)));
  }

  @Test
  void heldContentIsListedInHashOrderAPageAtATime() throws IOException {
    List<ContentHash> hashes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] bytes = TestData.randomBytes(5, 10 + i);
      put(bytes);
      hashes.add(ContentHash.sha256(bytes));
    }
    for (ContentHash hash : hashes) {
      store.hold(hash, clock.instant().plusSeconds(1));
    }
    hashes.sort(null);
    assertEquals(hashes, List.copyOf(store.listHeld(Optional.empty(), 10).keySet()));
    assertEquals(hashes.subList(1, 3),
        List.copyOf(store.listHeld(Optional.of(hashes.get(0)), 2).keySet()));
    assertEquals(hashes.subList(0, 1), List.copyOf(store.listHeld(Optional.empty(), 1).keySet()));
  }

  @Test
  void aRootWithoutAHoldingAreaForContentOpensAndGetsOne() throws IOException {
    put(BYTES);
    store.close();
    Files.delete(root.resolve("holding-objects"));
    store = reopen();
    assertTrue(store.contains(HASH));
    assertTrue(Files.isDirectory(root.resolve("holding-objects")));
  }

  private ContentStore reopen() throws IOException {
    return ContentStore.onDisk(root, clock, Duration.ofMinutes(10), 3, HOLD_FOR);
  }

  private void put(byte[] bytes) throws IOException {
    String id = store.createTemp(OptionalLong.empty());
    try (OutputStream out = store.append(id)) {
      out.write(bytes);
    }
    store.commit(id, ContentHash.sha256(bytes));
  }

  private byte[] read(ContentHash hash) throws IOException {
    try (StoredObject object = store.open(hash).orElseThrow()) {
      return object.stream().readAllBytes();
    }
  }

  private List<String> files(String dir) throws IOException {
    try (var files = Files.list(root.resolve(dir))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
