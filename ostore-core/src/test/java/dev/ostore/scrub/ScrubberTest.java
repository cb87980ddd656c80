package dev.ostore.scrub;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.storage.ShardLayout;
import dev.ostore.storage.ShardStore;
import dev.ostore.storage.ShardUpload;
import dev.ostore.stream.FakeScheduler;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scrubbing real shard files, with time moved by the test: nothing sleeps. */
class ScrubberTest {
  private static final Striping STRIPING = new Striping(4, 2, 1024);
  private static final long RATE = 10_000;
  private static final Duration INTERVAL = Duration.ofHours(24);

  @TempDir
  Path root;
  private final FakeClock clock = new FakeClock();
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private ShardStore store;
  private Scrubber scrubber;

  @BeforeEach
  void open() throws IOException {
    store = ShardStore.onDisk(root, 8);
  }

  @AfterEach
  void close() {
    if (scrubber != null) {
      scrubber.close();
    }
    store.close();
  }

  @Test
  void findsAFlippedByteQuarantinesTheShardAndChecksTheRest() throws Exception {
    ShardId good = store("good", 0, 40_960);
    ShardId bad = store("bad", 3, 40_960);
    ShardId alsoGood = store("also good", 5, 40_960);
    flipByteIn(bad, 5_000);
    scrubber = Scrubber.start(store, RATE, INTERVAL, clock, scheduler);

    runFor(Duration.ofSeconds(30));

    ScrubReport report = scrubber.report();
    assertEquals(1, report.passesFinished());
    assertEquals(1, report.corruptFound());
    assertEquals(List.of(bad), report.recentCorrupt());
    assertEquals(3, report.shardsChecked());
    assertEquals(List.of(), store.held(bad.hash()), "a quarantined shard is not located");
    assertEquals(List.of(good.index()), store.held(good.hash()));
    assertEquals(List.of(alsoGood.index()), store.held(alsoGood.hash()));
    try (Stream<Path> aside = Files.list(root.resolve("corrupt"))) {
      assertEquals(1, aside.filter(p -> p.getFileName().toString().startsWith(bad.toString()))
          .count());
    }
  }

  @Test
  void checksEveryByteOfEveryShardWhateverItsSize() throws Exception {
    long[] sizes = {0, 1, 1023, 4096, 4097, 40_960, 100_003};
    long expectedBytes = 0;
    for (int i = 0; i < sizes.length; i++) {
      store("content " + i, i % 6, sizes[i]);
      expectedBytes += ShardLayout.of(STRIPING, sizes[i]).shardLength();
    }
    scrubber = Scrubber.start(store, RATE, INTERVAL, clock, scheduler);

    runFor(Duration.ofSeconds(60));

    ScrubReport report = scrubber.report();
    assertEquals(1, report.passesFinished());
    assertEquals(sizes.length, report.shardsChecked());
    assertEquals(expectedBytes, report.bytesChecked());
    assertEquals(0, report.corruptFound());
  }

  @Test
  void checksEveryShardOfAStoreOfSeveralPages() throws Exception {
    int shards = 2 * Scrubber.PAGE + 3;
    for (int i = 0; i < shards; i++) {
      store("content " + i, i % 6, 100);
    }
    scrubber = Scrubber.start(store, 10 * shards * Scrubber.OPEN_COST, INTERVAL, clock,
        scheduler);

    runFor(Duration.ofSeconds(5));

    ScrubReport report = scrubber.report();
    assertEquals(1, report.passesFinished());
    assertEquals(shards, report.shardsChecked());
    assertEquals(0, report.corruptFound());
  }

  @Test
  void readsNoFasterThanTheRate() throws Exception {
    for (int i = 0; i < 10; i++) {
      store("content " + i, 0, 40_960); // 10 KiB per shard
    }
    scrubber = Scrubber.start(store, RATE, INTERVAL, clock, scheduler);
    long cost = 10 * (10_240 + Scrubber.OPEN_COST);

    for (int second = 1; second * RATE < cost; second++) {
      runFor(Duration.ofSeconds(1));
      ScrubReport report = scrubber.report();
      // What was spent: the blocks read, the shards finished and the one open now.
      long spentAtLeast = report.bytesChecked() + report.shardsChecked() * Scrubber.OPEN_COST;
      long spentAtMost = spentAtLeast + Scrubber.OPEN_COST;
      // A step may overrun its allowance by one block (1 KiB here), never more.
      assertTrue(spentAtLeast <= second * RATE + 1024, report + " after " + second + " s");
      assertTrue(spentAtMost >= second * RATE - 1024, report + " after " + second + " s");
      assertEquals(0, scrubber.report().passesFinished());
    }
    runFor(Duration.ofSeconds(2));
    assertEquals(1, scrubber.report().passesFinished(), "done at the rate's pace");
  }

  @Test
  void startsTheNextPassAnIntervalAfterTheLastStarted() throws Exception {
    store("one", 0, 4096);
    scrubber = Scrubber.start(store, RATE, INTERVAL, clock, scheduler);
    runFor(Duration.ofSeconds(5));
    ScrubReport first = scrubber.report();
    assertEquals(1, first.passesFinished());

    runFor(INTERVAL.minusSeconds(10));
    assertEquals(first, scrubber.report(), "nothing happens between passes");

    runFor(Duration.ofSeconds(10));
    ScrubReport second = scrubber.report();
    assertEquals(2, second.passesFinished());
    assertEquals(2, second.shardsChecked());
    assertEquals(Optional.of(first.passStarted().orElseThrow().plus(INTERVAL)),
        second.passStarted());
  }

  @Test
  void closingStopsIt() throws Exception {
    store("one", 0, 4096);
    scrubber = Scrubber.start(store, RATE, INTERVAL, clock, scheduler);
    scrubber.close();
    scrubber.close();
    assertEquals(0, scheduler.scheduled());
    runFor(Duration.ofSeconds(5));
    assertEquals(0, scrubber.report().shardsChecked());
    assertFalse(scrubber.report().passStarted().isPresent());
  }

  /** Moves time on a step at a time, running what is due, as the real scheduler would. */
  private void runFor(Duration time) {
    for (Duration run = Duration.ZERO; run.compareTo(time) < 0; run = run.plus(Scrubber.STEP)) {
      scheduler.runDue();
      clock.advance(Scrubber.STEP);
    }
  }

  /** Stores shard {@code index} of content named {@code seed}, of random bytes. */
  private ShardId store(String seed, int index, long objectSize) throws IOException {
    ShardLayout layout = ShardLayout.of(STRIPING, objectSize);
    Random random = new Random(seed.hashCode());
    try (ShardUpload upload = store.create(index, STRIPING)) {
      for (long b = 0; b < layout.blockCount(); b++) {
        byte[] block = new byte[layout.blockLength(b)];
        random.nextBytes(block);
        upload.append(block, 0, block.length);
      }
      return upload.commit(ContentHash.sha256(seed.getBytes(UTF_8)), objectSize);
    }
  }

  private void flipByteIn(ShardId id, long offset) throws IOException {
    ShardStore.Placed placed = store.whereIs(id).orElseThrow();
    try (RandomAccessFile bytes = new RandomAccessFile(placed.file().toFile(), "rw")) {
      bytes.seek(placed.offset() + offset);
      int old = bytes.read();
      bytes.seek(placed.offset() + offset);
      bytes.write(old ^ 0x01);
    }
  }
}
