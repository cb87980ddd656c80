package dev.ostore.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.DirectBuffers;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ShardId;
import dev.ostore.TestData;
import dev.ostore.erasure.Striping;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The {@link ShardStore} contract, on disk. */
class ShardStoreTest {
  static final int MAX_UPLOADS = 3;
  static final ContentHash HASH = ContentHash.sha256("object".getBytes(UTF_8));
  static final Striping STRIPING = new Striping(4, 2, 100);
  /** A 1,000-byte object cut 4+2 in chunks of 100: shards of 3 blocks (100, 100, 50 bytes). */
  static final ShardLayout LAYOUT = ShardLayout.of(STRIPING, 1000);
  /** Shards of 700 blocks, 70,000 bytes: too big for a pack, so each is a file of its own. */
  static final ShardLayout FILE_LAYOUT = ShardLayout.of(STRIPING, 280_000);
  static final int FILE_SHARD = (int) FILE_LAYOUT.shardLength();

  @TempDir
  Path root;
  ShardStore store;

  @BeforeEach
  void open() throws IOException {
    store = openStore();
  }

  /** The store under test, on {@link #root}: big shards bypass the page cache. */
  ShardStore openStore() throws IOException {
    return ShardStore.onDisk(root, MAX_UPLOADS);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aCommittedShardReadsBackWholeAndByBlockRange() throws IOException {
    byte[] bytes = TestData.randomBytes(250, 1);
    ShardId id = new ShardId(HASH, 3);
    assertFalse(put(id, LAYOUT, bytes));
    try (ShardFile file = store.open(id).orElseThrow()) {
      assertEquals(LAYOUT, file.layout());
      assertEquals(HASH, file.hash());
      assertEquals(3, file.index());
      assertArrayEquals(bytes, read(file, 0, 3));
      assertArrayEquals(Arrays.copyOfRange(bytes, 100, 250), read(file, 1, 3));
      assertArrayEquals(Arrays.copyOfRange(bytes, 100, 200), read(file, 1, 2));
      assertArrayEquals(new byte[0], read(file, 2, 2));
      assertThrows(IndexOutOfBoundsException.class, () -> read(file, 2, 4));
    }
    assertEquals(List.of(3), store.held(HASH));
  }

  @Test
  void smallShardsGoToAPackAndBigOnesToFilesOfTheirOwn() throws IOException {
    ShardId small = new ShardId(HASH, 0);
    ShardId big = new ShardId(HASH, 1);
    put(small, LAYOUT, TestData.randomBytes(250, 1));
    put(big, FILE_LAYOUT, TestData.randomBytes(FILE_SHARD, 2));
    assertFalse(Files.exists(shardFile(small)));
    assertTrue(Files.exists(shardFile(big)));
    assertEquals(1, filesUnder("shards"));
    assertEquals(1, filesUnder("packs"));
    assertEquals(0, filesUnder("temp"));
  }

  @Test
  void theContentIsNamedOnlyAtCommit() throws IOException {
    ContentHash other = ContentHash.sha256("other".getBytes(UTF_8));
    byte[] first = TestData.randomBytes(250, 2);
    byte[] second = TestData.randomBytes(250, 3);
    // Two uploads of the same index at once, told apart only by the hash they commit under.
    try (ShardUpload a = store.create(0, STRIPING); ShardUpload b = store.create(0, STRIPING)) {
      appendBlocks(a, LAYOUT, first);
      appendBlocks(b, LAYOUT, second);
      assertEquals(new ShardId(other, 0), b.commit(other, 1000));
      assertEquals(new ShardId(HASH, 0), a.commit(HASH, 1000));
    }
    try (ShardFile file = store.open(new ShardId(HASH, 0)).orElseThrow()) {
      assertArrayEquals(first, read(file, 0, 3));
    }
    try (ShardFile file = store.open(new ShardId(other, 0)).orElseThrow()) {
      assertArrayEquals(second, read(file, 0, 3));
    }
  }

  @Test
  void anEmptyObjectHasEmptyShards() throws IOException {
    ShardLayout empty = ShardLayout.of(STRIPING, 0);
    ShardId id = new ShardId(HASH, 5);
    put(id, empty, new byte[0]);
    try (ShardFile file = store.open(id).orElseThrow()) {
      assertEquals(empty, file.layout());
      assertArrayEquals(new byte[0], read(file, 0, 0));
    }
  }

  @Test
  void aCutUploadLeavesNothing() throws IOException {
    try (ShardUpload upload = store.create(1, STRIPING)) {
      byte[] bytes = TestData.randomBytes(200, 4);
      upload.append(bytes, 0, 100);
      upload.append(bytes, 100, 100);
      assertBadRequest(() -> upload.commit(HASH, 1000), "250");
      assertThrows(IllegalStateException.class, () -> upload.append(bytes, 0, 100),
          "a failed commit ends the upload");
    }
    assertNothingKept(new ShardId(HASH, 1));
  }

  @Test
  void anUploadClosedUncommittedLeavesNothing() throws IOException {
    try (ShardUpload upload = store.create(1, STRIPING)) {
      appendBlocks(upload, LAYOUT, TestData.randomBytes(250, 5));
    }
    assertNothingKept(new ShardId(HASH, 1));
  }

  @Test
  void blocksThatDoNotFitTheCommittedSizeKeepNothing() throws IOException {
    byte[] bytes = TestData.randomBytes(250, 6);
    // 800 bytes make 2 blocks, 801 a last one of 1 byte, 1200 a last one of 100: none is
    // 100, 100, 50. More sizes than upload slots: a failed commit frees its slot.
    for (long size : new long[] {0, 800, 801, 1200, 5000}) {
      try (ShardUpload upload = store.create(1, STRIPING)) {
        appendBlocks(upload, LAYOUT, bytes);
        assertBadRequest(() -> upload.commit(HASH, size), " " + size + " bytes");
      }
    }
    assertNothingKept(new ShardId(HASH, 1));
  }

  @Test
  void emptyAndOverlongBlocksAreRefused() throws IOException {
    byte[] bytes = TestData.randomBytes(101, 7);
    try (ShardUpload upload = store.create(1, STRIPING)) {
      assertBadRequest(() -> upload.append(bytes, 0, 0), "not 0");
      assertBadRequest(() -> upload.append(bytes, 0, 101), "not 101");
    }
    assertNothingKept(new ShardId(HASH, 1));
  }

  @Test
  void aShortBlockFollowedByAnotherIsRefused() throws IOException {
    byte[] bytes = TestData.randomBytes(150, 8);
    try (ShardUpload upload = store.create(1, STRIPING)) {
      upload.append(bytes, 0, 50);
      assertBadRequest(() -> upload.append(bytes, 50, 100), "had 50");
    }
    assertNothingKept(new ShardId(HASH, 1));
  }

  @Test
  void anIndexOutsideTheStripingIsRefused() {
    assertBadRequest(() -> store.create(6, STRIPING), "index 6");
    assertBadRequest(() -> store.create(-1, STRIPING), "index -1");
    assertBadRequest(() -> store.create(0, new Striping(1, 0, ShardLayout.MAX_CHUNK_SIZE + 1)),
        Integer.toString(ShardLayout.MAX_CHUNK_SIZE));
  }

  @Test
  void aShardStoredAlreadyIsKept() throws IOException {
    ShardId id = new ShardId(HASH, 2);
    byte[] first = TestData.randomBytes(250, 9);
    assertFalse(put(id, LAYOUT, first));
    assertTrue(put(id, LAYOUT, TestData.randomBytes(250, 10)));
    try (ShardFile file = store.open(id).orElseThrow()) {
      assertArrayEquals(first, read(file, 0, 3));
    }
    assertEquals(0, filesUnder("temp"));
  }

  @Test
  void aShardRemovedByHandWithItsDirectoryIsStoredAgain() throws IOException {
    ShardId id = new ShardId(HASH, 2);
    put(id, FILE_LAYOUT, TestData.randomBytes(FILE_SHARD, 9));
    Files.delete(shardFile(id));
    Files.delete(shardFile(id).getParent());
    byte[] again = TestData.randomBytes(FILE_SHARD, 10);
    assertFalse(put(id, FILE_LAYOUT, again),
        "not kept: the store still listed it, but it was gone");
    try (ShardFile file = store.open(id).orElseThrow()) {
      assertArrayEquals(again, read(file, 0, 700));
    }
    assertEquals(0, filesUnder("temp"));
  }

  @Test
  void aReopenedStoreKeepsCommittedShardsAndDeletesTemporaryFiles() throws IOException {
    ShardId kept = new ShardId(HASH, 4);
    byte[] bytes = TestData.randomBytes(250, 11);
    put(kept, LAYOUT, bytes);
    ShardUpload unfinished = store.create(0, STRIPING);
    byte[] partial = TestData.randomBytes(FILE_SHARD, 12);
    appendBlocks(unfinished, FILE_LAYOUT, partial); // past what a pack takes: in a file
    assertEquals(1, filesUnder("temp"));
    // As after a crash: the upload is never closed, its file stays behind.
    ShardStore reopened = openStore();
    try (reopened) {
      assertEquals(0, filesUnder("temp"));
      assertEquals(List.of(4), reopened.held(HASH));
      try (ShardFile file = reopened.open(kept).orElseThrow()) {
        assertArrayEquals(bytes, read(file, 0, 3));
      }
    }
  }

  @Test
  void aFlippedByteQuarantinesTheShardAndIsAnError() throws IOException {
    ShardId id = new ShardId(HASH, 1);
    put(id, FILE_LAYOUT, TestData.randomBytes(FILE_SHARD, 13));
    Path file = shardFile(id);
    flipByte(file, ShardFormat.HEADER + 104 + 50); // in block 1
    try (ShardFile shard = store.open(id).orElseThrow()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CorruptShardException e =
          assertThrows(CorruptShardException.class, () -> shard.copyBlocks(0, 700, out));
      assertEquals(id, e.id());
      assertEquals(0, out.size(), "no byte of the batch that holds block 1 left");
    }
    assertEquals(List.of(), store.held(HASH));
    assertFalse(Files.exists(file));
    assertEquals(1, filesUnder("corrupt"));
    assertEquals(Optional.empty(), store.open(id));
  }

  @Test
  void aFlippedByteInAPackedShardQuarantinesACopyOfIt() throws IOException {
    ShardId id = new ShardId(HASH, 1);
    put(id, LAYOUT, TestData.randomBytes(250, 13));
    ShardStore.Placed placed = store.whereIs(id).orElseThrow();
    assertEquals(ShardFormat.fileLength(LAYOUT), placed.length());
    flipByte(placed.file(), (int) placed.offset() + ShardFormat.HEADER + 104 + 50); // block 1
    byte[] damaged = Arrays.copyOfRange(Files.readAllBytes(placed.file()),
        (int) placed.offset(), (int) (placed.offset() + placed.length()));
    try (ShardFile shard = store.open(id).orElseThrow()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThrows(CorruptShardException.class, () -> shard.copyBlocks(0, 3, out));
      assertEquals(0, out.size(), "no byte of the batch that holds block 1 left");
    }
    assertEquals(List.of(), store.held(HASH));
    try (Stream<Path> aside = Files.list(root.resolve("corrupt"))) {
      assertArrayEquals(damaged, Files.readAllBytes(aside.findFirst().orElseThrow()));
    }
    store.close();
    store = openStore();
    assertEquals(Optional.empty(), store.open(id), "still gone after a restart");
  }

  @Test
  void packedShardsTheirTouchesAndTheirDeletesSurviveARestart() throws IOException {
    ShardId deleted = new ShardId(HASH, 0);
    ShardId kept = new ShardId(HASH, 1);
    byte[] bytes = TestData.randomBytes(250, 21);
    put(deleted, LAYOUT, TestData.randomBytes(250, 22));
    assertFalse(put(kept, LAYOUT, bytes));
    assertTrue(store.delete(deleted));
    assertTrue(put(kept, LAYOUT, TestData.randomBytes(250, 23)), "stored already: kept");
    Instant written = store.listed(Optional.empty(), 10).get(0).written();
    store.close();
    store = openStore();
    assertEquals(List.of(1), store.held(HASH));
    assertEquals(List.of(new ShardStore.Listed(kept, LAYOUT, written)),
        store.listed(Optional.empty(), 10));
    try (ShardFile file = store.open(kept).orElseThrow()) {
      assertArrayEquals(bytes, read(file, 0, 3));
    }
  }

  @Test
  void aListingGivesPackedShardsTheirLayoutsBeforeAndAfterARestart() throws IOException {
    ShardId one = new ShardId(HASH, 0);
    ShardId other = new ShardId(HASH, 1);
    ShardLayout smaller = ShardLayout.of(STRIPING, 600);
    put(one, LAYOUT, TestData.randomBytes((int) LAYOUT.shardLength(), 26));
    put(other, smaller, TestData.randomBytes((int) smaller.shardLength(), 27));
    assertEquals(List.of(LAYOUT, smaller), layoutsListed(), "as stored");
    store.close();
    store = openStore();
    assertEquals(List.of(LAYOUT, smaller), layoutsListed(), "read from their records");
    assertEquals(List.of(LAYOUT, smaller), layoutsListed(), "the same from memory");
    assertTrue(store.delete(other));
    put(other, LAYOUT, TestData.randomBytes((int) LAYOUT.shardLength(), 28));
    assertEquals(List.of(LAYOUT, LAYOUT), layoutsListed(), "stored anew: its new layout");
  }

  private List<ShardLayout> layoutsListed() throws IOException {
    return store.listed(Optional.empty(), 10).stream().map(ShardStore.Listed::layout).toList();
  }

  @Test
  void anInspectionSaysWhereEachShardLiesAndChangesNothing() throws IOException {
    ShardId small = new ShardId(HASH, 0);
    ShardId big = new ShardId(HASH, 1);
    put(small, LAYOUT, TestData.randomBytes(250, 24));
    put(big, FILE_LAYOUT, TestData.randomBytes(FILE_SHARD, 25));
    Path pack = store.whereIs(small).orElseThrow().file();
    Files.write(pack, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND); // torn
    long size = Files.size(pack);
    assertEquals(java.util.Map.of(small, store.whereIs(small).orElseThrow(),
        big, store.whereIs(big).orElseThrow()), ShardStore.inspect(root));
    assertEquals(size, Files.size(pack), "the torn tail is left for the store to cut");
  }

  @Test
  void packedShardsStoredAtOnceAllReadBackAfterARestart() throws Exception {
    int threads = MAX_UPLOADS;
    int each = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> stores = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        stores.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            ContentHash hash = ContentHash.sha256(("content " + thread + "/" + i).getBytes(UTF_8));
            put(new ShardId(hash, 0), LAYOUT, TestData.randomBytes(250, thread * each + i));
          }
          return null;
        }));
      }
      for (Future<?> store : stores) {
        store.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    store.close();
    store = openStore();
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < each; i++) {
        ContentHash hash = ContentHash.sha256(("content " + t + "/" + i).getBytes(UTF_8));
        try (ShardFile file = store.open(new ShardId(hash, 0)).orElseThrow()) {
          assertArrayEquals(TestData.randomBytes(250, t * each + i), read(file, 0, 3));
        }
      }
    }
  }

  @Test
  void aTruncatedShardIsCorruptWhenOpened() throws IOException {
    ShardId id = new ShardId(HASH, 1);
    put(id, FILE_LAYOUT, TestData.randomBytes(FILE_SHARD, 14));
    Path file = shardFile(id);
    byte[] stored = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(stored, stored.length - 1));
    assertThrows(CorruptShardException.class, () -> store.open(id));
    assertEquals(List.of(), store.held(HASH));
    assertEquals(1, filesUnder("corrupt"));
  }

  @Test
  void aDamagedHeaderIsCorruptWhenOpened() throws IOException {
    ShardId id = new ShardId(HASH, 1);
    put(id, FILE_LAYOUT, TestData.randomBytes(FILE_SHARD, 15));
    flipByte(shardFile(id), 60); // in the object size, written at commit
    CorruptShardException e = assertThrows(CorruptShardException.class, () -> store.open(id));
    assertTrue(e.getMessage().contains("header"), e.getMessage());
  }

  @Test
  void aShardRenamedToAnotherIdIsCorrupt() throws IOException {
    ShardId id = new ShardId(HASH, 1);
    put(id, FILE_LAYOUT, TestData.randomBytes(FILE_SHARD, 16));
    ShardId other = new ShardId(HASH, 2);
    Files.copy(shardFile(id), shardFile(other));
    assertThrows(CorruptShardException.class, () -> store.open(other));
  }

  @Test
  void uploadsBeyondTheCapAreBusyUntilOneEnds() throws IOException {
    ShardUpload[] open = new ShardUpload[MAX_UPLOADS];
    for (int i = 0; i < MAX_UPLOADS; i++) {
      open[i] = store.create(i, STRIPING);
    }
    OstoreException e = assertThrows(OstoreException.class, () -> store.create(5, STRIPING));
    assertEquals(ErrorCode.BUSY, e.code());
    open[0].close();
    open[0].close(); // frees no second slot
    try (ShardUpload again = store.create(5, STRIPING)) {
      e = assertThrows(OstoreException.class, () -> store.create(4, STRIPING));
      assertEquals(ErrorCode.BUSY, e.code());
    }
    for (ShardUpload upload : open) {
      upload.close();
    }
  }

  @Test
  void deleteRemovesAShardOnce() throws IOException {
    ShardId id = new ShardId(HASH, 0);
    put(id, LAYOUT, TestData.randomBytes(250, 17));
    assertTrue(store.delete(id));
    assertFalse(store.delete(id));
    assertEquals(Optional.empty(), store.open(id));
    assertEquals(List.of(), store.held(HASH));
  }

  @Test
  void listsInOrderOfHashThenIndexAfterAGivenId() throws IOException {
    ContentHash low = ContentHash.parse("0a" + "0".repeat(62));
    ContentHash high = ContentHash.parse("f0" + "0".repeat(62));
    ShardLayout small = new ShardLayout(20, 0, 100, 1);
    for (ShardId id : List.of(new ShardId(high, 0), new ShardId(low, 10), new ShardId(low, 2),
        new ShardId(HASH, 0))) {
      put(id, small, new byte[] {7});
    }
    List<ShardId> all = store.list(Optional.empty(), 100);
    assertEquals(all.stream().sorted().toList(), all);
    assertEquals(List.of(new ShardId(low, 2), new ShardId(low, 10)), all.subList(0, 2));
    assertEquals(new ShardId(high, 0), all.get(3));
    assertEquals(all.subList(0, 2), store.list(Optional.empty(), 2));
    assertEquals(all.subList(2, 4), store.list(Optional.of(all.get(1)), 10));
    assertEquals(List.of(), store.list(Optional.of(all.get(3)), 10));
    // The same order after a restart, which rebuilds the index from the files.
    store.close();
    store = openStore();
    assertEquals(all, store.list(Optional.empty(), 100));
    assertEquals(List.of(2, 10), store.held(low));
  }

  @Test
  void aListingGivesLayoutsAndWrittenTimesAndNeverALayoutOfAShardGone() throws IOException {
    ShardId id = new ShardId(HASH, 0);
    ShardId damaged = new ShardId(HASH, 1);
    put(id, FILE_LAYOUT, TestData.randomBytes(FILE_SHARD, 18));
    put(damaged, FILE_LAYOUT, TestData.randomBytes(FILE_SHARD, 19));
    flipByte(shardFile(damaged), 60); // in its header
    Instant written = Files.getLastModifiedTime(shardFile(id)).toInstant();
    List<ShardStore.Listed> expected = List.of(new ShardStore.Listed(id, FILE_LAYOUT, written));
    assertEquals(expected, store.listed(Optional.empty(), 10), "the damaged one left out");
    assertEquals(expected, store.listed(Optional.empty(), 10), "the same from memory");
    assertEquals(List.of(id), store.list(Optional.empty(), 10), "the damaged one put aside");

    ShardLayout smaller = ShardLayout.of(STRIPING, 276_000);
    assertTrue(store.delete(id));
    put(id, smaller, TestData.randomBytes((int) smaller.shardLength(), 20));
    Files.setLastModifiedTime(shardFile(id), FileTime.from(written.plusSeconds(5)));
    assertEquals(List.of(new ShardStore.Listed(id, smaller, written.plusSeconds(5))),
        store.listed(Optional.empty(), 10), "stored anew: its new layout, its file's time");
  }

  @Test
  void shardsForcedToDiskWhileWrittenCommitWholeOrKeepNothing() throws IOException {
    // Large enough for several forces while appending, whose threads then race the close.
    Striping wide = new Striping(1, 0, 64 * 1024);
    ShardLayout layout = ShardLayout.of(wide, 40L << 20);
    byte[] bytes = TestData.randomBytes((int) layout.shardLength(), 19);
    try (ShardUpload cut = store.create(0, wide)) {
      appendBlocks(cut, ShardLayout.of(wide, 20L << 20), Arrays.copyOf(bytes, 20 << 20));
    }
    assertNothingKept(new ShardId(HASH, 0));
    put(new ShardId(HASH, 0), layout, bytes);
    try (ShardFile file = store.open(new ShardId(HASH, 0)).orElseThrow()) {
      assertArrayEquals(bytes, read(file, 0, layout.blockCount()));
    }
  }

  @Test
  void aBigShardReadsBackWholeAndInRangesOfEveryLength() throws IOException {
    // Past the first MiB written and read straight to and from the disk, where it takes it; a
    // file whose end is on no aligned edge.
    Striping wide = new Striping(1, 0, 64 * 1024);
    ShardLayout layout = ShardLayout.of(wide, (9L << 20) + 12_345);
    byte[] bytes = TestData.randomBytes((int) layout.shardLength(), 20);
    ShardId id = new ShardId(HASH, 0);
    put(id, layout, bytes);
    long blocks = layout.blockCount();
    try (ShardFile file = store.open(id).orElseThrow()) {
      assertArrayEquals(bytes, read(file, 0, blocks));
      for (long[] range : new long[][] {{1, blocks}, {blocks - 1, blocks}, {3, 80}, {70, 71}}) {
        assertArrayEquals(Arrays.copyOfRange(bytes, (int) range[0] << 16,
            (int) Math.min(bytes.length, range[1] << 16)), read(file, range[0], range[1]),
            () -> "blocks " + Arrays.toString(range));
      }
    }
  }

  @Test
  void aShardStreamsItsBlocksWholeAndInRangesInReadsOfAnyLength() throws IOException {
    // Several batches, read straight from the disk where it takes it; and a packed shard.
    ShardLayout layout = ShardLayout.of(new Striping(1, 0, 64 * 1024), (9L << 20) + 12_345);
    byte[] big = TestData.randomBytes((int) layout.shardLength(), 22);
    ShardId bigId = new ShardId(HASH, 0);
    put(bigId, layout, big);
    byte[] small = TestData.randomBytes(250, 23);
    ShardId smallId = new ShardId(HASH, 1);
    put(smallId, LAYOUT, small);
    long blocks = layout.blockCount();
    for (long[] range : new long[][] {{0, blocks}, {1, blocks}, {blocks - 1, blocks}, {3, 80},
        {70, 71}, {5, 5}}) {
      byte[] expected = Arrays.copyOfRange(big, (int) range[0] << 16,
          (int) Math.min(big.length, range[1] << 16));
      for (int piece : new int[] {1, 1000, 1 << 20}) {
        assertArrayEquals(expected, stream(bigId, range[0], range[1], piece),
            () -> "blocks " + Arrays.toString(range) + " in reads of " + piece);
      }
    }
    assertArrayEquals(small, stream(smallId, 0, 3, 7));
    assertArrayEquals(Arrays.copyOfRange(small, 100, 200), stream(smallId, 1, 2, 1000));
  }

  @Test
  void blocksLongerThanAReadOfTheDiskReadBackWholeAndStreamed() throws IOException {
    // A striping another api server may ask for: each block longer than a direct read's window.
    ShardLayout layout = ShardLayout.of(new Striping(1, 0, 3 << 20), (7L << 20) + 5);
    byte[] bytes = TestData.randomBytes((int) layout.shardLength(), 26);
    ShardId id = new ShardId(HASH, 0);
    put(id, layout, bytes);
    try (ShardFile file = store.open(id).orElseThrow()) {
      assertArrayEquals(bytes, read(file, 0, layout.blockCount()));
    }
    assertArrayEquals(bytes, stream(id, 0, layout.blockCount(), 1 << 20));
    assertArrayEquals(Arrays.copyOfRange(bytes, 3 << 20, bytes.length),
        stream(id, 1, layout.blockCount(), 4096));
  }

  @Test
  void aStreamOfBlocksFailsAtOpenOnItsFirstBatchAndLaterBeforeTheBadBatch() throws IOException {
    ShardLayout layout = ShardLayout.of(new Striping(1, 0, 64 * 1024), 9L << 20);
    int perBatch = DiskShardFile.BATCH_BYTES / (64 * 1024 + ShardFormat.CRC_BYTES);
    ShardId early = new ShardId(HASH, 0);
    put(early, layout, TestData.randomBytes((int) layout.shardLength(), 24));
    flipByte(shardFile(early), (int) ShardFormat.blockPosition(layout, perBatch - 1) + 9);
    try (ShardFile file = store.open(early).orElseThrow()) {
      assertThrows(CorruptShardException.class, () -> file.openBlocks(0, layout.blockCount()));
    }
    assertEquals(Optional.empty(), store.open(early), "quarantined");

    ShardId late = new ShardId(ContentHash.sha256("later".getBytes(UTF_8)), 0);
    put(late, layout, TestData.randomBytes((int) layout.shardLength(), 25));
    flipByte(shardFile(late), (int) ShardFormat.blockPosition(layout, 2 * perBatch + 1) + 9);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = store.open(late).orElseThrow().openBlocks(0, layout.blockCount())) {
      CorruptShardException e = assertThrows(CorruptShardException.class,
          () -> in.transferTo(out));
      assertEquals(late, e.id());
    }
    assertEquals(2 * perBatch * 64 * 1024, out.size(), "the two good batches, none of the third");
    assertEquals(Optional.empty(), store.open(late), "quarantined");
  }

  /** Whether {@link #openStore} reads big shards past the page cache. */
  boolean readsPastThePageCache() {
    return true;
  }

  /**
   * A long read straight from the disk borrows its windows from the JVM's {@link DirectBuffers}:
   * read to its end, by a stream or by a copy, it gives them back to be lent to the next read,
   * so that reads one after another hold no more than one; a read abandoned halfway lets its
   * windows go (see {@link FileReads#done}). Through the page cache, reads borrow none.
   */
  @Test
  void longReadsOneAfterAnotherLendTheSameWindowsAgain() throws IOException {
    ShardLayout layout = ShardLayout.of(new Striping(1, 0, 64 * 1024), 9L << 20);
    byte[] bytes = TestData.randomBytes((int) layout.shardLength(), 27);
    ShardId id = new ShardId(HASH, 0);
    put(id, layout, bytes);
    DirectBuffers buffers = DirectBuffers.ofThisJvm();
    long before = buffers.held();
    assertArrayEquals(bytes, stream(id, 0, layout.blockCount(), 1 << 20));
    long held = buffers.held();
    if (readsPastThePageCache()) {
      assertTrue(held >= 2 * (2 << 20), "two windows kept for the next read: " + held);
    } else {
      assertEquals(before, held);
    }
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(bytes, stream(id, 0, layout.blockCount(), 1 << 20));
      try (ShardFile file = store.open(id).orElseThrow()) {
        assertArrayEquals(bytes, read(file, 0, layout.blockCount()));
      }
      assertEquals(held, buffers.held(), "read " + i);
      try (InputStream abandoned = store.open(id).orElseThrow().openBlocks(0, 100)) {
        assertEquals(64 * 1024, abandoned.readNBytes(64 * 1024).length);
      }
      if (readsPastThePageCache()) {
        assertTrue(buffers.held() < held, "the window it took is let go: " + buffers.held());
      } else {
        assertEquals(held, buffers.held());
      }
    }
  }

  /** Blocks {@code [from, to)} of the shard, read through a stream in reads of {@code piece}. */
  private byte[] stream(ShardId id, long from, long to, int piece) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = store.open(id).orElseThrow().openBlocks(from, to)) {
      byte[] buffer = new byte[piece];
      for (int n; (n = in.read(buffer, 0, piece)) >= 0; ) {
        assertTrue(n > 0, "a read of " + piece + " bytes returned none");
        out.write(buffer, 0, n);
      }
    }
    return out.toByteArray();
  }

  @Test
  void closingTheStoreDeletesOpenUploads() throws IOException {
    ShardUpload upload = store.create(0, STRIPING);
    appendBlocks(upload, FILE_LAYOUT, TestData.randomBytes(FILE_SHARD, 18)); // in a file
    assertEquals(1, filesUnder("temp"));
    store.close();
    assertEquals(0, filesUnder("temp"));
    assertThrows(IllegalStateException.class, () -> store.create(1, STRIPING));
  }

  private boolean put(ShardId id, ShardLayout layout, byte[] bytes) throws IOException {
    return put(store, id, layout, bytes);
  }

  /** Stores a shard in {@code store}; returns whether it was stored already. */
  static boolean put(ShardStore store, ShardId id, ShardLayout layout, byte[] bytes)
      throws IOException {
    try (ShardUpload upload = store.create(id.index(), layout.striping())) {
      appendBlocks(upload, layout, bytes);
      assertEquals(id, upload.commit(id.hash(), layout.objectSize()));
      return upload.keptExisting();
    }
  }

  /** Appends {@code bytes} cut into the blocks {@code layout} makes of a shard. */
  static void appendBlocks(ShardUpload upload, ShardLayout layout, byte[] bytes)
      throws IOException {
    int at = 0;
    for (long b = 0; b < layout.blockCount(); b++) {
      upload.append(bytes, at, layout.blockLength(b));
      at += layout.blockLength(b);
    }
    assertEquals(bytes.length, at, "the test's bytes are one shard of the layout");
  }

  private void assertNothingKept(ShardId id) throws IOException {
    assertEquals(Optional.empty(), store.open(id));
    assertEquals(List.of(), store.held(id.hash()));
    assertEquals(0, filesUnder("temp") + filesUnder("shards"));
  }

  private static void assertBadRequest(Executable call, String saying) {
    OstoreException e = assertThrows(OstoreException.class, call);
    assertEquals(ErrorCode.BAD_REQUEST, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains(saying), e.getMessage());
  }

  static byte[] read(ShardFile file, long from, long to) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    file.copyBlocks(from, to, out);
    return out.toByteArray();
  }

  private Path shardFile(ShardId id) {
    return root.resolve("shards").resolve(id.hash().hex().substring(0, 2))
        .resolve(id.toString());
  }

  private static void flipByte(Path file, int position) throws IOException {
    byte[] stored = Files.readAllBytes(file);
    stored[position] ^= 1;
    Files.write(file, stored);
  }

  private long filesUnder(String directory) throws IOException {
    return TestData.filesUnder(root.resolve(directory));
  }
}
