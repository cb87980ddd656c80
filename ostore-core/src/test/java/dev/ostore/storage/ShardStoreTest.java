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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link ShardStore} contract, on disk. */
class ShardStoreTest {
  static final int MAX_UPLOADS = 3;
  static final ContentHash HASH = ContentHash.sha256("object".getBytes(UTF_8));
  /** 4+2 in chunks of 100: a 1,000-byte object gives shards of 3 blocks, 250 bytes. */
  static final ShardLayout LAYOUT = new ShardLayout(4, 2, 100, 1000);

  @TempDir
  Path root;
  ShardStore store;

  @BeforeEach
  void open() throws IOException {
    store = ShardStore.onDisk(root, MAX_UPLOADS);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aCommittedShardReadsBackWholeAndByBlockRange() throws IOException {
    byte[] bytes = randomBytes(250, 1);
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
    assertTrue(Files.exists(root.resolve("shards").resolve(HASH.hex().substring(0, 2))
        .resolve(id.toString())));
  }

  @Test
  void writesInAnyPiecesGiveTheSameShard() throws IOException {
    byte[] bytes = randomBytes(250, 2);
    ShardId id = new ShardId(HASH, 0);
    try (ShardUpload upload = store.create(id, LAYOUT)) {
      for (int i = 0; i < bytes.length; i += 7) {
        upload.stream().write(bytes, i, Math.min(7, bytes.length - i));
      }
      upload.commit();
    }
    try (ShardFile file = store.open(id).orElseThrow()) {
      assertArrayEquals(bytes, read(file, 0, 3));
    }
  }

  @Test
  void anEmptyObjectHasEmptyShards() throws IOException {
    ShardLayout empty = new ShardLayout(4, 2, 100, 0);
    ShardId id = new ShardId(HASH, 5);
    put(id, empty, new byte[0]);
    try (ShardFile file = store.open(id).orElseThrow()) {
      assertArrayEquals(new byte[0], read(file, 0, 0));
    }
  }

  @Test
  void aCutUploadLeavesNothing() throws IOException {
    ShardId id = new ShardId(HASH, 1);
    try (ShardUpload upload = store.create(id, LAYOUT)) {
      upload.stream().write(randomBytes(249, 3));
      OstoreException e = assertThrows(OstoreException.class, upload::commit);
      assertEquals(ErrorCode.BAD_REQUEST, e.code());
      assertTrue(e.getMessage().contains("250"), e.getMessage());
    }
    assertEquals(Optional.empty(), store.open(id));
    assertEquals(List.of(), store.held(HASH));
    assertEquals(0, filesUnder("temp") + filesUnder("shards"));
  }

  @Test
  void anUploadClosedUncommittedLeavesNothing() throws IOException {
    ShardId id = new ShardId(HASH, 1);
    try (ShardUpload upload = store.create(id, LAYOUT)) {
      upload.stream().write(randomBytes(250, 3));
    }
    assertEquals(Optional.empty(), store.open(id));
    assertEquals(0, filesUnder("temp") + filesUnder("shards"));
  }

  @Test
  void bytesPastTheShardsLengthAreRefused() throws IOException {
    try (ShardUpload upload = store.create(new ShardId(HASH, 1), LAYOUT)) {
      upload.stream().write(randomBytes(200, 4));
      OstoreException e = assertThrows(OstoreException.class,
          () -> upload.stream().write(randomBytes(51, 4)));
      assertEquals(ErrorCode.BAD_REQUEST, e.code());
    }
  }

  @Test
  void aShardStoredAlreadyIsKept() throws IOException {
    ShardId id = new ShardId(HASH, 2);
    byte[] first = randomBytes(250, 5);
    assertFalse(put(id, LAYOUT, first));
    assertTrue(put(id, LAYOUT, randomBytes(250, 6)));
    try (ShardFile file = store.open(id).orElseThrow()) {
      assertArrayEquals(first, read(file, 0, 3));
    }
    assertEquals(0, filesUnder("temp"));
  }

  @Test
  void aReopenedStoreKeepsCommittedShardsAndDeletesTemporaryFiles() throws IOException {
    ShardId kept = new ShardId(HASH, 4);
    byte[] bytes = randomBytes(250, 7);
    put(kept, LAYOUT, bytes);
    ShardUpload unfinished = store.create(new ShardId(HASH, 0), LAYOUT);
    unfinished.stream().write(randomBytes(150, 8));
    assertEquals(1, filesUnder("temp"));
    // As after a crash: the upload is never closed, its file stays behind.
    ShardStore reopened = ShardStore.onDisk(root, MAX_UPLOADS);
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
    put(id, LAYOUT, randomBytes(250, 9));
    Path file = shardFile(id);
    byte[] stored = Files.readAllBytes(file);
    stored[ShardFormat.HEADER + 104 + 50] ^= 1; // in block 1
    Files.write(file, stored);
    try (ShardFile shard = store.open(id).orElseThrow()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CorruptShardException e =
          assertThrows(CorruptShardException.class, () -> shard.copyBlocks(0, 3, out));
      assertEquals(id, e.id());
      assertEquals(100, out.size(), "block 0 was good, block 1 never left");
    }
    assertEquals(List.of(), store.held(HASH));
    assertFalse(Files.exists(file));
    assertEquals(1, filesUnder("corrupt"));
    assertEquals(Optional.empty(), store.open(id));
  }

  @Test
  void aTruncatedShardIsCorruptWhenOpened() throws IOException {
    ShardId id = new ShardId(HASH, 1);
    put(id, LAYOUT, randomBytes(250, 10));
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
    put(id, LAYOUT, randomBytes(250, 11));
    Path file = shardFile(id);
    byte[] stored = Files.readAllBytes(file);
    stored[60] ^= 1; // the object size
    Files.write(file, stored);
    CorruptShardException e = assertThrows(CorruptShardException.class, () -> store.open(id));
    assertTrue(e.getMessage().contains("header"), e.getMessage());
  }

  @Test
  void aShardRenamedToAnotherIdIsCorrupt() throws IOException {
    ShardId id = new ShardId(HASH, 1);
    put(id, LAYOUT, randomBytes(250, 12));
    ShardId other = new ShardId(HASH, 2);
    Files.copy(shardFile(id), shardFile(other));
    assertThrows(CorruptShardException.class, () -> store.open(other));
  }

  @Test
  void uploadsBeyondTheCapAreBusyUntilOneEnds() throws IOException {
    ShardUpload[] open = new ShardUpload[MAX_UPLOADS];
    for (int i = 0; i < MAX_UPLOADS; i++) {
      open[i] = store.create(new ShardId(HASH, i), LAYOUT);
    }
    OstoreException e = assertThrows(OstoreException.class,
        () -> store.create(new ShardId(HASH, 9), LAYOUT));
    assertEquals(ErrorCode.BUSY, e.code());
    open[0].close();
    open[0].close();
    store.create(new ShardId(HASH, 9), LAYOUT).close();
    for (ShardUpload upload : open) {
      upload.close();
    }
  }

  @Test
  void deleteRemovesAShardOnce() throws IOException {
    ShardId id = new ShardId(HASH, 0);
    put(id, LAYOUT, randomBytes(250, 13));
    assertTrue(store.delete(id));
    assertFalse(store.delete(id));
    assertEquals(Optional.empty(), store.open(id));
    assertEquals(List.of(), store.held(HASH));
  }

  @Test
  void listsInOrderOfHashThenIndexAfterAGivenId() throws IOException {
    ContentHash low = ContentHash.parse("0a" + "0".repeat(62));
    ContentHash high = ContentHash.parse("f0" + "0".repeat(62));
    ShardLayout small = new ShardLayout(1, 0, 100, 1);
    for (ShardId id : List.of(new ShardId(high, 0), new ShardId(low, 10), new ShardId(low, 2),
        new ShardId(HASH, 0))) {
      put(id, small, new byte[] {7});
    }
    List<ShardId> all = store.list(Optional.empty(), 100);
    List<ShardId> sorted = all.stream().sorted().toList();
    assertEquals(sorted, all);
    assertEquals(new ShardId(low, 2), all.get(0));
    assertEquals(new ShardId(low, 10), all.get(1));
    assertEquals(new ShardId(high, 0), all.get(3));
    assertEquals(all.subList(0, 2), store.list(Optional.empty(), 2));
    assertEquals(all.subList(2, 4), store.list(Optional.of(all.get(1)), 10));
    assertEquals(List.of(), store.list(Optional.of(all.get(3)), 10));
    // The same order after a restart, which rebuilds the index from the files.
    store.close();
    store = ShardStore.onDisk(root, MAX_UPLOADS);
    assertEquals(all, store.list(Optional.empty(), 100));
    assertEquals(List.of(2, 10), store.held(low));
  }

  @Test
  void closingTheStoreDeletesOpenUploads() throws IOException {
    ShardUpload upload = store.create(new ShardId(HASH, 0), LAYOUT);
    upload.stream().write(randomBytes(10, 14));
    store.close();
    assertEquals(0, filesUnder("temp"));
    assertThrows(IllegalStateException.class, () -> store.create(new ShardId(HASH, 1), LAYOUT));
  }

  /** Stores a shard; returns whether it was stored already. */
  private boolean put(ShardId id, ShardLayout layout, byte[] bytes) throws IOException {
    try (ShardUpload upload = store.create(id, layout)) {
      upload.stream().write(bytes);
      upload.commit();
      return upload.keptExisting();
    }
  }

  private static byte[] read(ShardFile file, long from, long to) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    file.copyBlocks(from, to, out);
    return out.toByteArray();
  }

  private Path shardFile(ShardId id) {
    return root.resolve("shards").resolve(id.hash().hex().substring(0, 2))
        .resolve(id.toString());
  }

  private long filesUnder(String directory) throws IOException {
    try (Stream<Path> files = Files.walk(root.resolve(directory))) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
