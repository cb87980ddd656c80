package dev.ostore.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class DiskStorageTest {
  @TempDir
  Path root;

  @Test
  void createsObjectsAndTempDirectoriesWhenMissing() throws IOException {
    Path nested = root.resolve("not/yet/there");
    Storage storage = Storage.onDisk(nested);
    assertTrue(Files.isDirectory(nested.resolve("objects")));
    assertTrue(Files.isDirectory(nested.resolve("temp")));
    assertEquals("DiskStorage(" + nested + ")", storage.toString());
  }

  @Test
  void committedUploadCanBeReadBack() throws IOException {
    Storage storage = Storage.onDisk(root);
    byte[] body = "hello, object".getBytes(UTF_8);
    try (Upload upload = storage.create()) {
      upload.write(body);
      assertEquals(body.length, upload.size());
      assertEquals(body.length, upload.commit("greeting"));
    }
    try (StoredObject object = storage.open("greeting").orElseThrow()) {
      assertEquals(body.length, object.size());
      assertArrayEquals(body, object.stream().readAllBytes());
      assertEquals(-1, object.stream().read());
    }
    assertEquals(Optional.of((long) body.length), storage.size("greeting"));
  }

  @Test
  void emptyObjectIsAnObject() throws IOException {
    Storage storage = Storage.onDisk(root);
    put(storage, "empty", new byte[0]);
    assertEquals(Optional.of(0L), storage.size("empty"));
    assertArrayEquals(new byte[0], read(storage, "empty"));
  }

  @Test
  void missingObjectIsEmpty() throws IOException {
    Storage storage = Storage.onDisk(root);
    assertEquals(Optional.empty(), storage.open("missing"));
    assertEquals(Optional.empty(), storage.size("missing"));
    assertFalse(storage.delete("missing"));
  }

  @Test
  void commitReplacesTheOldVersion() throws IOException {
    Storage storage = Storage.onDisk(root);
    put(storage, "k", "first version".getBytes(UTF_8));
    put(storage, "k", "2nd".getBytes(UTF_8));
    assertArrayEquals("2nd".getBytes(UTF_8), read(storage, "k"));
    assertEquals(Optional.of(3L), storage.size("k"));
  }

  @Test
  void deleteRemovesTheObject() throws IOException {
    Storage storage = Storage.onDisk(root);
    put(storage, "k", "x".getBytes(UTF_8));
    assertTrue(storage.delete("k"));
    assertEquals(Optional.empty(), storage.open("k"));
    assertEquals(Optional.empty(), storage.size("k"));
    assertFalse(storage.delete("k"));
    assertEquals(List.of(), list(root.resolve("objects")));
  }

  @Test
  void objectsSurviveReopening() throws IOException {
    put(Storage.onDisk(root), "k", "kept".getBytes(UTF_8));
    assertArrayEquals("kept".getBytes(UTF_8), read(Storage.onDisk(root), "k"));
  }

  @Test
  void uploadIsInvisibleUntilCommitted() throws IOException {
    Storage storage = Storage.onDisk(root);
    put(storage, "k", "old".getBytes(UTF_8));
    try (Upload upload = storage.create()) {
      upload.write("new and longer".getBytes(UTF_8));
      assertArrayEquals("old".getBytes(UTF_8), read(storage, "k"));
      assertEquals(Optional.of(3L), storage.size("k"));
      upload.commit("k");
    }
    assertArrayEquals("new and longer".getBytes(UTF_8), read(storage, "k"));
  }

  @Test
  void uploadClosedWithoutCommitLeavesNothing() throws IOException {
    Storage storage = Storage.onDisk(root);
    try (Upload upload = storage.create()) {
      upload.write(new byte[10_000]);
      assertEquals(1, list(root.resolve("temp")).size());
    }
    assertEquals(Optional.empty(), storage.open("k"));
    assertEquals(List.of(), list(root.resolve("temp")));
    assertEquals(List.of(), list(root.resolve("objects")));
  }

  @Test
  void uploadClosedWithoutCommitKeepsTheOldVersion() throws IOException {
    Storage storage = Storage.onDisk(root);
    put(storage, "k", "old".getBytes(UTF_8));
    try (Upload upload = storage.create()) {
      upload.write("abandoned".getBytes(UTF_8));
    }
    assertArrayEquals("old".getBytes(UTF_8), read(storage, "k"));
    assertEquals(List.of(), list(root.resolve("temp")));
  }

  @Test
  void closedUploadRefusesWritesAndCommits() throws IOException {
    Storage storage = Storage.onDisk(root);
    Upload upload = storage.create();
    upload.close();
    upload.close();
    IllegalStateException write =
        assertThrows(IllegalStateException.class, () -> upload.write(1));
    assertEquals(upload + " is closed", write.getMessage());
    IllegalStateException commit =
        assertThrows(IllegalStateException.class, () -> upload.commit("k"));
    assertEquals(upload + " is closed", commit.getMessage());
  }

  @Test
  void uploadCannotBeCommittedTwice() throws IOException {
    Storage storage = Storage.onDisk(root);
    Upload upload = storage.create();
    upload.write(7);
    assertEquals(1, upload.commit("k"));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> upload.commit("k"));
    assertEquals(upload + " is closed", e.getMessage());
    upload.close();
    assertArrayEquals(new byte[] {7}, read(storage, "k"));
  }

  @Test
  void leftoverPartFilesAreRemovedWhenStorageIsOpenedAgain() throws IOException {
    Storage storage = Storage.onDisk(root);
    // An upload that a crashed process never closed.
    Upload abandoned = storage.create();
    abandoned.write(new byte[100]);
    Files.write(root.resolve("temp/older-crash.part"), new byte[5]);
    Files.write(root.resolve("temp/notes.txt"), new byte[5]);
    assertEquals(3, list(root.resolve("temp")).size());

    Storage reopened = Storage.onDisk(root);

    assertEquals(List.of("notes.txt"), list(root.resolve("temp")));
    assertEquals(Optional.empty(), reopened.open("k"));
  }

  @Test
  void keysThatLookLikePathsStayInsideTheRoot() throws IOException {
    Path storageRoot = Files.createDirectories(root.resolve("store"));
    Storage storage = Storage.onDisk(storageRoot);
    List<String> keys = List.of("../escape", "a/b", "..", ".", "/etc/passwd", "../../x",
        ".hidden", "~", "a\\..\\b", "%2F..%2F", "..\0");
    for (String key : keys) {
      put(storage, key, key.getBytes(UTF_8));
    }
    for (String key : keys) {
      assertArrayEquals(key.getBytes(UTF_8), read(storage, key), key);
    }
    assertEquals(List.of("store"), list(root));
    assertEquals(List.of("corrupt", "objects", "temp"), list(storageRoot));
    assertEquals(keys.stream().sorted().toList(), storage.keys().stream().sorted().toList());
    Path objects = storageRoot.resolve("objects");
    try (Stream<Path> all = Files.walk(storageRoot)) {
      List<Path> files = all.filter(Files::isRegularFile).toList();
      assertEquals(keys.size(), files.size());
      for (Path file : files) {
        assertEquals(objects, file.getParent(), file.toString());
        assertFalse(file.getFileName().toString().startsWith("."), file.toString());
      }
    }
  }

  @Test
  void veryLongKeysAreStoredAndKeptApart() throws IOException {
    Storage storage = Storage.onDisk(root);
    String prefix = "日本".repeat(200);
    put(storage, prefix + "a", "a".getBytes(UTF_8));
    put(storage, prefix + "b", "b".getBytes(UTF_8));
    assertArrayEquals("a".getBytes(UTF_8), read(storage, prefix + "a"));
    assertArrayEquals("b".getBytes(UTF_8), read(storage, prefix + "b"));
  }

  @Test
  void emptyKeyIsRefused() throws IOException {
    Storage storage = Storage.onDisk(root);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> storage.open(""));
    assertEquals("storage key is empty", e.getMessage());
  }

  @Test
  void openObjectKeepsReadingTheVersionItOpened() throws IOException {
    Storage storage = Storage.onDisk(root);
    byte[] old = filled(100_000, 1);
    put(storage, "k", old);
    try (StoredObject before = storage.open("k").orElseThrow()) {
      byte[] head = before.stream().readNBytes(10);
      put(storage, "k", filled(5, 2));
      assertEquals(old.length, before.size());
      byte[] rest = before.stream().readAllBytes();
      assertEquals(old.length, head.length + rest.length);
      assertTrue(allEqual(head, (byte) 1) && allEqual(rest, (byte) 1));
    }
    assertArrayEquals(filled(5, 2), read(storage, "k"));
  }

  @Test
  void openObjectKeepsReadingAfterDelete() throws IOException {
    Storage storage = Storage.onDisk(root);
    put(storage, "k", filled(1000, 3));
    try (StoredObject before = storage.open("k").orElseThrow()) {
      assertTrue(storage.delete("k"));
      assertArrayEquals(filled(1000, 3), before.stream().readAllBytes());
    }
  }

  @Test
  @Timeout(30)
  void concurrentReadersAlwaysSeeAWholeVersion() throws Exception {
    Storage storage = Storage.onDisk(root);
    int versions = 120;
    put(storage, "k", filled(sizeOf(0), 0));
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger highestSeen = new AtomicInteger();
    AtomicInteger reads = new AtomicInteger();
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        readers.add(pool.submit(() -> {
          while (!done.get()) {
            try (StoredObject object = storage.open("k").orElseThrow()) {
              byte[] bytes = object.stream().readAllBytes();
              assertTrue(bytes.length > 0, "empty version, size " + object.size());
              int version = bytes[0] & 0xff;
              assertEquals(object.size(), bytes.length, "size of version " + version);
              assertEquals(sizeOf(version), bytes.length, "length of version " + version);
              assertTrue(allEqual(bytes, (byte) version), "mixed bytes in version " + version);
              seen.add(version);
              highestSeen.accumulateAndGet(version, Math::max);
              reads.incrementAndGet();
            }
          }
          return null;
        }));
      }
      Future<?> writer = pool.submit(() -> {
        for (int version = 1; version <= versions; version++) {
          put(storage, "k", filled(sizeOf(version), version));
          // Every tenth version, let the readers catch up, so that they see many versions.
          while (version % 10 == 0 && highestSeen.get() < version) {
            if (readers.stream().anyMatch(Future::isDone)) {
              return null; // A reader failed; its error is reported below.
            }
            Thread.onSpinWait();
          }
        }
        return null;
      });
      writer.get(25, TimeUnit.SECONDS);
      done.set(true);
      for (Future<?> reader : readers) {
        try {
          reader.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof AssertionError failure) {
            throw failure;
          }
          throw e;
        }
      }
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
    assertTrue(seen.size() >= versions / 10, "versions seen: " + seen);
    assertTrue(reads.get() >= versions / 10, "reads: " + reads);
  }

  @Test
  void keysListsWhatIsStoredAndIgnoresForeignFiles() throws IOException {
    Storage storage = Storage.onDisk(root);
    put(storage, "a", new byte[1]);
    put(storage, "b c", new byte[1]);
    put(storage, "long-" + "x".repeat(300), new byte[1]);
    Files.write(root.resolve("objects/notes.txt~"), new byte[1]);
    Files.write(root.resolve("objects/%zz"), new byte[1]);
    Files.write(root.resolve("objects/b c"), new byte[1]);
    assertEquals(List.of("a", "b c"), storage.keys().stream().sorted().toList());
  }

  @Test
  void quarantineMovesTheObjectAsideOutOfReach() throws IOException {
    Storage storage = Storage.onDisk(root);
    put(storage, "bad", "rotten".getBytes(UTF_8));
    assertTrue(storage.quarantine("bad"));
    assertEquals(Optional.empty(), storage.open("bad"));
    assertFalse(storage.quarantine("bad"));
    List<String> aside = list(root.resolve("corrupt"));
    assertEquals(1, aside.size());
    assertTrue(aside.get(0).startsWith("bad."), aside.toString());
    assertEquals("rotten", Files.readString(root.resolve("corrupt").resolve(aside.get(0))));
  }

  @Test
  void objectsDirectoryTurnedIntoAFileIsAStorageFailureNamingTheKey() throws IOException {
    Storage storage = Storage.onDisk(root);
    Upload upload = storage.create();
    upload.write("data".getBytes(UTF_8));
    Path objects = root.resolve("objects");
    Files.delete(objects);
    Files.writeString(objects, "not a directory");

    assertStorageFailed("my-key", () -> storage.open("my-key"));
    assertStorageFailed("my-key", () -> storage.size("my-key"));
    assertStorageFailed("my-key", () -> storage.delete("my-key"));
    assertStorageFailed("my-key", () -> upload.commit("my-key"));
    assertEquals(List.of(), list(root.resolve("temp")), "the failed upload was not cleaned up");
  }

  @Test
  void commitToAVanishedDirectoryIsAStorageFailureAndLeavesNoTempFile() throws IOException {
    Storage storage = Storage.onDisk(root);
    try (Upload upload = storage.create()) {
      upload.write(new byte[1000]);
      Files.delete(root.resolve("objects"));
      assertStorageFailed("k/1", () -> upload.commit("k/1"));
    }
    assertEquals(List.of(), list(root.resolve("temp")));
  }

  @Test
  void tempDirectoryTurnedIntoAFileIsAStorageFailureOnCreate() throws IOException {
    Storage storage = Storage.onDisk(root);
    Path temp = root.resolve("temp");
    Files.delete(temp);
    Files.writeString(temp, "not a directory");
    assertStorageFailed("a new upload", storage::create);
  }

  @Test
  void rootThatIsAFileCannotBeOpened() throws IOException {
    Path file = Files.writeString(root.resolve("file"), "x");
    assertThrows(IOException.class, () -> Storage.onDisk(file));
  }

  @Test
  void aFullDiskIsInsufficientStorageAndCloseDeletesTheTempFile() throws IOException {
    // /dev/full fails every write with ENOSPC, as a full disk does.
    Path full = Path.of("/dev/full");
    assumeTrue(Files.isWritable(full), "needs /dev/full");
    Storage.onDisk(root);
    Path temp = Files.write(root.resolve("temp/k.part"), new byte[0]);
    Path target = root.resolve("objects").resolve(FileNames.forKey("k"));
    Upload upload = new Upload((DiskStorage) Storage.onDisk(root), FileChannel.open(full, WRITE),
        temp);

    OstoreException e = assertDiskFailed(ErrorCode.INSUFFICIENT_STORAGE, "upload k.part",
        () -> upload.write(new byte[4096]));
    assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    upload.close();

    assertFalse(Files.exists(temp));
    assertFalse(Files.exists(target));
  }

  private static OstoreException assertStorageFailed(String key, Executable action) {
    return assertDiskFailed(ErrorCode.STORAGE_FAILED, key, action);
  }

  private static OstoreException assertDiskFailed(ErrorCode code, String key,
      Executable action) {
    OstoreException e = assertThrows(OstoreException.class, action);
    assertEquals(code, e.code());
    assertTrue(e.getMessage().startsWith("storage failed on " + key + ": "), e.getMessage());
    assertInstanceOf(IOException.class, e.getCause());
    return e;
  }

  /** Version {@code v} of the object is this many bytes, all of value {@code v}. */
  private static int sizeOf(int version) {
    return 1 + (version * 7919) % 1_000_000;
  }

  private static void put(Storage storage, String key, byte[] body) throws IOException {
    try (Upload upload = storage.create()) {
      upload.write(body);
      upload.commit(key);
    }
  }

  private static byte[] read(Storage storage, String key) throws IOException {
    try (StoredObject object = storage.open(key).orElseThrow()) {
      byte[] bytes = object.stream().readAllBytes();
      assertEquals(object.size(), bytes.length, key);
      return bytes;
    }
  }

  private static byte[] filled(int size, int value) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  private static boolean allEqual(byte[] bytes, byte value) {
    for (byte b : bytes) {
      if (b != value) {
        return false;
      }
    }
    return true;
  }

  private static List<String> list(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
