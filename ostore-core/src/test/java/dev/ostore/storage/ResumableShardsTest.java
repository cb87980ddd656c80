package dev.ostore.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ShardId;
import dev.ostore.TestData;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.FakeClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Resumable shard uploads on disk, across restarts and crashes. */
class ResumableShardsTest {
  static final int MAX_APPENDS = 2;
  static final ContentHash HASH = ContentHash.sha256("object".getBytes(UTF_8));
  /** A 1,000-byte object cut 4+2 in chunks of 100: shards of 3 blocks (100, 100, 50 bytes). */
  static final ShardLayout LAYOUT = ShardLayout.of(new Striping(4, 2, 100), 1000);
  static final String NAME = "0123456789abcdef0123456789abcdef.2";
  static final byte[] SHARD = TestData.randomBytes(250, 1);
  /** A 12 MiB object in chunks of 64 KiB: shards of 49 blocks, past the first MiB by block 16. */
  static final ShardLayout BIG = ShardLayout.of(new Striping(4, 2, 64 * 1024), (12L << 20) + 1000);

  @TempDir
  Path root;
  final FakeClock clock = new FakeClock();
  final Instant expires = FakeClock.START.plus(Duration.ofHours(1));
  ShardStore store;
  ResumableShards uploads;

  @BeforeEach
  void open() throws IOException {
    store = ShardStore.onDisk(root, MAX_APPENDS, clock);
    uploads = store.resumable();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void blocksAppendedOverSeveralAppendsCommitIntoAShard() throws IOException {
    assertEquals(1, append(0, 0, 1));
    assertEquals(new ResumableShards.Held(LAYOUT, expires, 1), uploads.held(NAME).orElseThrow());
    assertEquals(3, append(1, 1, 3));
    assertArrayEquals(Arrays.copyOfRange(SHARD, 100, 250), copy(1, 3, false));
    assertFalse(uploads.commit(NAME, new ShardId(HASH, 2)), "not stored before");
    assertEquals(Optional.empty(), uploads.held(NAME));
    assertEquals(List.of(2), store.held(HASH));
    assertShard(LAYOUT, SHARD);
    assertEquals(0, TestData.filesUnder(root.resolve("uploads")));
    assertTrue(uploads.commit(NAME, new ShardId(HASH, 2)), "a repeated commit finds it stored");
  }

  @Test
  void aCommitMakesTheShardWrittenNowAlsoWhenItFindsItStored() throws IOException {
    ShardId id = new ShardId(HASH, 2);
    append(0, 0, 3);
    assertFalse(uploads.commit(NAME, id));
    assertEquals(FakeClock.START, written(id));
    clock.advance(Duration.ofMinutes(10));
    append(0, 0, 3);
    assertTrue(uploads.commit(NAME, id));
    assertEquals(FakeClock.START.plus(Duration.ofMinutes(10)), written(id));
    assertEquals(Map.of(id, ShardStore.Hold.WRITTEN_SINCE),
        store.hold(List.of(id), FakeClock.START.plusSeconds(1)));
  }

  @Test
  void blocksOfTheWrongLengthOrPastTheLastAreRefused() throws IOException {
    try (ShardAppend append = uploads.append(NAME, LAYOUT, expires, 0)) {
      assertBadRequest(() -> append.append(SHARD, 0, 99), "block 0 of upload " + NAME
          + " has 100 bytes (4+2/100 of 1000 bytes), not 99");
      append.append(SHARD, 0, 100);
      append.append(SHARD, 100, 100);
      assertBadRequest(() -> append.append(new byte[100], 0, 100), "has 50 bytes");
      append.append(SHARD, 200, 50);
      assertBadRequest(() -> append.append(SHARD, 0, 50), "block 3 is past the last");
      assertEquals(3, append.finish());
    }
  }

  @Test
  void anAppendMustStartWithinTheBlocksHeldAndAloneOnAnUploadOfItsStriping() throws IOException {
    assertEquals(ErrorCode.NOT_FOUND, codeOf(() -> uploads.append(NAME, LAYOUT, expires, 1)));
    append(0, 0, 1);
    assertEquals(ErrorCode.CONFLICT, codeOf(() -> uploads.append(NAME, LAYOUT, expires, 2)));
    ShardLayout other = ShardLayout.of(new Striping(4, 2, 50), 1000);
    assertBadRequest(() -> uploads.append(NAME, other, expires, 0),
        "upload " + NAME + " is of 4+2/100 of 1000 bytes, not 4+2/50 of 1000 bytes");
    try (ShardAppend first = uploads.append(NAME, LAYOUT, expires, 1)) {
      OstoreException second = assertThrows(OstoreException.class,
          () -> uploads.append(NAME, LAYOUT, expires, 1));
      assertEquals(ErrorCode.CONFLICT, second.code());
      assertEquals("upload " + NAME + " is being appended to by another request",
          second.getMessage());
      assertEquals(ErrorCode.CONFLICT, codeOf(() -> uploads.commit(NAME, new ShardId(HASH, 2))));
    }
    assertEquals(2, append(1, 1, 2), "free again once the first is closed");
  }

  @Test
  void aSmallerSizeReDeclaredAfterFullBlocksTakesItsShortLastBlockAndIsCommitted()
      throws IOException {
    ShardLayout provisional = ShardLayout.of(LAYOUT.striping(), 2000);
    assertEquals(2, append(provisional, SHARD, 0, 0, 2));
    try (ShardAppend append = uploads.append(NAME, LAYOUT, expires, 2)) {
      assertEquals(new ResumableShards.Held(LAYOUT, expires, 2), uploads.held(NAME).orElseThrow(),
          "re-declared before any block comes");
      assertBadRequest(() -> append.append(new byte[100], 0, 100), "has 50 bytes (4+2/100 of 1000");
      append.append(SHARD, 200, 50);
      assertEquals(3, append.finish());
    }
    assertFalse(uploads.commit(NAME, new ShardId(HASH, 2)));
    assertShard(LAYOUT, SHARD);
  }

  @Test
  void aLargerSizeMayBeReDeclaredToo() throws IOException {
    // 1,300 bytes: shards of 4 blocks (100, 100, 100, 25 bytes).
    ShardLayout larger = ShardLayout.of(LAYOUT.striping(), 1300);
    byte[] shard = TestData.randomBytes(325, 3);
    append(LAYOUT, shard, 0, 0, 2);
    assertEquals(4, append(larger, shard, 2, 2, 4));
    assertFalse(uploads.commit(NAME, new ShardId(HASH, 2)));
    assertShard(larger, shard);
  }

  @Test
  void aSizeIsReDeclaredOnlyWhileTheBlocksKeptAreWholeChunksOfBoth() throws IOException {
    append(0, 0, 3);
    assertBadRequest(() -> uploads.append(NAME, ShardLayout.of(LAYOUT.striping(), 2000), expires,
        3), "upload " + NAME + " of 4+2/100 of 1000 bytes cannot be re-declared as 4+2/100 of 2000"
        + " bytes: it keeps 3 blocks (appending from block 3), not all whole chunks of the old"
        + " size (only the first 2 are)");
    assertBadRequest(() -> uploads.append(NAME, ShardLayout.of(LAYOUT.striping(), 500), expires,
        2), "keeps 2 blocks (appending from block 2), not all whole chunks of the new size (only"
        + " the first 1 are)");
    assertBadRequest(() -> uploads.append(NAME, ShardLayout.of(LAYOUT.striping(), 797), expires,
        2), "of the new size (only the first 1 are)"); // its block 1 is 100 bytes, but padded
    assertEquals(new ResumableShards.Held(LAYOUT, expires, 3), uploads.held(NAME).orElseThrow(),
        "a refusal changes nothing");
    assertArrayEquals(SHARD, copy(0, 3, false));
    ShardLayout larger = ShardLayout.of(LAYOUT.striping(), 2000);
    assertEquals(2, append(larger, SHARD, 2, 2, 2), "the short block dropped, it may be");
    assertEquals(new ResumableShards.Held(larger, expires, 2), uploads.held(NAME).orElseThrow());
  }

  @Test
  void aReDeclaredSizeOutlivesARestart() throws IOException {
    ShardLayout provisional = ShardLayout.of(LAYOUT.striping(), 2000);
    append(provisional, SHARD, 0, 0, 2);
    append(2, 2, 2); // re-declares, appends nothing
    reopen();
    assertEquals(new ResumableShards.Held(LAYOUT, expires, 2), uploads.held(NAME).orElseThrow());
    try (ShardAppend append = uploads.append(NAME, LAYOUT, expires, 2)) {
      append.append(SHARD, 200, 50); // not finished, so not counted: a restart checks it
    }
    reopen();
    assertEquals(3, uploads.held(NAME).orElseThrow().blocks(), "50 bytes, as 1,000 cut it");
    assertFalse(uploads.commit(NAME, new ShardId(HASH, 2)));
    assertShard(LAYOUT, SHARD);
  }

  @Test
  void anAppendFromAnEarlierBlockDropsTheBlocksAfterIt() throws IOException {
    append(0, 0, 3);
    byte[] other = TestData.randomBytes(250, 2);
    try (ShardAppend append = uploads.append(NAME, LAYOUT, expires, 1)) {
      append.append(other, 100, 100);
      assertEquals(2, append.finish());
    }
    assertEquals(2, uploads.held(NAME).orElseThrow().blocks());
    assertArrayEquals(Arrays.copyOfRange(SHARD, 0, 100), copy(0, 1, false));
    assertArrayEquals(Arrays.copyOfRange(other, 100, 200), copy(1, 2, false));
    assertEquals(UploadFormat.end(LAYOUT, 2), Files.size(uploadFile()));
  }

  @Test
  void bigAppendsPastTheFirstMiBStartingMidBlockCommitWhole() throws IOException {
    byte[] shard = TestData.randomBytes((int) BIG.shardLength(), 3);
    int blocks = Math.toIntExact(BIG.blockCount());
    // The first goes direct once past the first MiB; the next two start where an aligned block
    // of the disk is part written already.
    assertEquals(20, append(BIG, shard, 0, 0, 20));
    assertEquals(33, append(BIG, shard, 20, 20, 33));
    assertEquals(blocks, append(BIG, shard, 33, 33, blocks));
    assertArrayEquals(shard, copy(0, blocks, false));
    assertFalse(uploads.commit(NAME, new ShardId(HASH, 2)));
    assertShard(BIG, shard);
  }

  @Test
  void anAppendCutOffPastTheFirstMiBKeepsEveryWholeBlockItWasGiven() throws IOException {
    byte[] shard = TestData.randomBytes((int) BIG.shardLength(), 4);
    ShardAppend append = uploads.append(NAME, BIG, expires, 0);
    for (int b = 0; b < 30; b++) {
      append.append(shard, b * BIG.chunkSize(), BIG.blockLength(b));
    }
    append.close(); // as when its request breaks off: not finished
    assertEquals(30, uploads.held(NAME).orElseThrow().blocks());
    assertArrayEquals(Arrays.copyOf(shard, 30 * BIG.chunkSize()), copy(0, 30, false));
    reopen();
    assertEquals(30, uploads.held(NAME).orElseThrow().blocks(), "checked again by a restart");
    assertEquals(UploadFormat.end(BIG, 30), Files.size(uploadFile()));
  }

  @Test
  void anIncompleteUploadIsNotCommittedAndADeletedOneIsGone() throws IOException {
    append(0, 0, 2);
    assertBadRequest(() -> uploads.commit(NAME, new ShardId(HASH, 2)),
        "upload " + NAME + " holds 2 of the 3 blocks of 4+2/100 of 1000 bytes");
    assertBadRequest(() -> uploads.commit(NAME, new ShardId(HASH, 6)), "is not a shard of");
    assertTrue(uploads.delete(NAME));
    assertFalse(uploads.delete(NAME));
    assertFalse(Files.exists(uploadFile()));
    assertEquals(ErrorCode.NOT_FOUND, codeOf(() -> uploads.commit(NAME, new ShardId(HASH, 2))));
    assertEquals(List.of(), store.held(HASH));
  }

  @Test
  void recordsCarryTheirChecksumsAsAShardSends() throws IOException {
    append(0, 0, 3);
    byte[] records = copy(2, 3, true);
    assertEquals(54, records.length);
    assertEquals(ShardRecords.crc(SHARD, 200, 50, 2), ByteBuffer.wrap(records).getInt(50));
  }

  @Test
  void aRestartKeepsUploadsWithTheirBlocks() throws IOException {
    append(0, 0, 2);
    reopen();
    assertEquals(new ResumableShards.Held(LAYOUT, expires, 2), uploads.held(NAME).orElseThrow());
    assertArrayEquals(Arrays.copyOfRange(SHARD, 0, 200), copy(0, 2, false));
    assertEquals(3, append(2, 2, 3));
  }

  @Test
  void aTornLastBlockIsDroppedOnRestart() throws IOException {
    append(0, 0, 1);
    // As a crash mid-append leaves it: block 1 whole but not counted, block 2 cut short.
    try (FileChannel file = FileChannel.open(uploadFile(), StandardOpenOption.APPEND)) {
      file.write(record(1, 100));
      file.write(record(2, 50).limit(30));
    }
    reopen();
    assertEquals(2, uploads.held(NAME).orElseThrow().blocks());
    assertEquals(UploadFormat.end(LAYOUT, 2), Files.size(uploadFile()));
  }

  @Test
  void aBlockFailingItsChecksumEndsTheUploadOnRestart() throws IOException {
    // Appended but never finished, so never counted as checked: a crash before the force.
    try (ShardAppend append = uploads.append(NAME, LAYOUT, expires, 0)) {
      append.append(SHARD, 0, 100);
      append.append(SHARD, 100, 100);
      append.append(SHARD, 200, 50);
    }
    assertEquals(3, uploads.held(NAME).orElseThrow().blocks());
    try (FileChannel file = FileChannel.open(uploadFile(), StandardOpenOption.WRITE)) {
      file.write(ByteBuffer.wrap(new byte[] {0}), ShardFormat.blockPosition(LAYOUT, 1) + 7);
    }
    reopen();
    assertEquals(1, uploads.held(NAME).orElseThrow().blocks());
    assertArrayEquals(Arrays.copyOfRange(SHARD, 0, 100), copy(0, 1, false));
  }

  @Test
  void anUploadWhoseCreationWasCutIsDeletedOnRestart() throws IOException {
    Files.write(root.resolve("uploads").resolve(NAME), new byte[20]);
    reopen();
    assertEquals(Optional.empty(), uploads.held(NAME));
    assertFalse(Files.exists(uploadFile()));
  }

  @Test
  void aCommitCutBeforeItsRenameIsFinishedOnRestart() throws IOException {
    append(0, 0, 3);
    uploads.commit(NAME, new ShardId(HASH, 2));
    Path shard = root.resolve("shards").resolve(HASH.hex().substring(0, 2))
        .resolve(new ShardId(HASH, 2).toString());
    Files.move(shard, uploadFile());
    reopen();
    assertEquals(List.of(2), store.held(HASH));
    assertTrue(Files.exists(shard));
    assertEquals(Optional.empty(), uploads.held(NAME));
  }

  @Test
  void uploadsExpireByTheClock() throws IOException {
    append(0, 0, 1);
    String other = "ffffffffffffffffffffffffffffffff.0";
    try (ShardAppend append = uploads.append(other, LAYOUT, expires.plusSeconds(60), 0)) {
      append.finish();
    }
    clock.advance(Duration.ofMinutes(60));
    assertEquals(0, uploads.expire(), "not past its expiry yet");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, uploads.expire());
    assertEquals(Optional.empty(), uploads.held(NAME));
    assertFalse(Files.exists(uploadFile()));
    assertTrue(uploads.held(other).isPresent());
    clock.advance(Duration.ofMinutes(1));
    assertEquals(Optional.empty(), uploads.held(other), "an expired upload is gone when asked");
    assertEquals(0, TestData.filesUnder(root.resolve("uploads")));
  }

  @Test
  void uploadsExpiredWhileTheServerWasDownAreDeletedWhenItStarts() throws IOException {
    append(0, 0, 1);
    store.close();
    clock.advance(Duration.ofHours(2));
    store = ShardStore.onDisk(root, MAX_APPENDS, clock);
    assertFalse(Files.exists(uploadFile()));
  }

  @Test
  void onlySoManyAppendsRunAtOnce() throws IOException {
    try (ShardAppend first = uploads.append("a.0", LAYOUT, expires, 0);
        ShardAppend second = uploads.append("a.1", LAYOUT, expires, 0)) {
      assertEquals(ErrorCode.BUSY, codeOf(() -> uploads.append("a.2", LAYOUT, expires, 0)));
    }
    assertEquals(0, append(0, 0, 0));
  }

  /** Appends blocks {@code [from, to)} of {@link #SHARD} from block {@code start}. */
  private long append(long start, int from, int to) throws IOException {
    return append(LAYOUT, SHARD, start, from, to);
  }

  /** Appends blocks {@code [from, to)} of {@code shard}, cut as {@code layout} says. */
  private long append(ShardLayout layout, byte[] shard, long start, int from, int to)
      throws IOException {
    try (ShardAppend append = uploads.append(NAME, layout, expires, start)) {
      for (int b = from; b < to; b++) {
        append.append(shard, b * layout.chunkSize(), layout.blockLength(b));
      }
      return append.finish();
    }
  }

  /** Checks that shard 2 of {@link #HASH} is stored with {@code layout} and {@code shard}. */
  private void assertShard(ShardLayout layout, byte[] shard) throws IOException {
    try (ShardFile file = store.open(new ShardId(HASH, 2)).orElseThrow()) {
      assertEquals(layout, file.layout());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      file.copyBlocks(0, layout.blockCount(), out);
      assertArrayEquals(shard, out.toByteArray());
    }
  }

  private Instant written(ShardId id) throws IOException {
    try (ShardFile file = store.open(id).orElseThrow()) {
      return file.written();
    }
  }

  private byte[] copy(long from, long to, boolean records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    uploads.copy(NAME, from, to, out, records);
    return out.toByteArray();
  }

  private static ByteBuffer record(int b, int length) {
    ByteBuffer record = ByteBuffer.allocate(length + ShardRecords.CRC_BYTES);
    record.put(SHARD, b * 100, length).putInt(ShardRecords.crc(SHARD, b * 100, length, b));
    return record.flip();
  }

  private void reopen() throws IOException {
    store.close();
    open();
  }

  private Path uploadFile() {
    return root.resolve("uploads").resolve(NAME);
  }

  private static ErrorCode codeOf(Executable call) {
    return assertThrows(OstoreException.class, call).code();
  }

  private static void assertBadRequest(Executable call, String saying) {
    OstoreException e = assertThrows(OstoreException.class, call);
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertTrue(e.getMessage().contains(saying), e.getMessage());
  }
}
