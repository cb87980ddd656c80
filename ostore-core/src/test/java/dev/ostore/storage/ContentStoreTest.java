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
import dev.ostore.heartbeat.FakeClock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {
  static final Duration EXPIRY = Duration.ofMinutes(10);
  static final int MAX_TEMPS = 3;

  @TempDir
  Path root;
  final FakeClock clock = new FakeClock();
  ContentStore store;

  @BeforeEach
  void open() throws IOException {
    store = ContentStore.onDisk(root, clock, EXPIRY, MAX_TEMPS);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void committedContentIsStoredUnderItsHashInHex() throws IOException {
    byte[] bytes = "hello".getBytes(UTF_8);
    ContentHash hash = ContentHash.sha256(bytes);
    assertEquals(5, put(bytes));
    assertTrue(store.contains(hash));
    assertEquals(Optional.of(5L), store.size(hash));
    try (StoredObject object = store.open(hash).orElseThrow()) {
      assertArrayEquals(bytes, object.stream().readAllBytes());
    }
    assertTrue(Files.exists(root.resolve("objects").resolve(hash.hex())));
  }

  @Test
  void aCommitNamingAnotherHashStoresNothing() throws IOException {
    String id = store.createTemp(OptionalLong.empty());
    try (OutputStream out = store.append(id)) {
      out.write("real bytes".getBytes(UTF_8));
    }
    ContentHash claimed = ContentHash.sha256("other bytes".getBytes(UTF_8));
    OstoreException e = assertThrows(OstoreException.class, () -> store.commit(id, claimed));
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertTrue(e.getMessage().contains("not " + claimed.hex()), e.getMessage());
    assertFalse(store.contains(claimed));
    assertEquals(OptionalLong.empty(), store.tempSize(id));
    assertEquals(List.of(), files("objects"));
    assertEquals(List.of(), files("temp"));
  }

  @Test
  void theSameContentIsStoredOnce() throws IOException {
    byte[] bytes = "twice".getBytes(UTF_8);
    put(bytes);
    put(bytes);
    assertEquals(List.of(ContentHash.sha256(bytes).hex()), files("objects"));
    assertEquals(List.of(), files("temp"));
  }

  @Test
  void appendsAccumulateAcrossRequests() throws IOException {
    String id = store.createTemp(OptionalLong.of(6));
    for (String part : new String[] {"ab", "cd", "ef"}) {
      try (OutputStream out = store.append(id)) {
        out.write(part.getBytes(UTF_8));
      }
    }
    assertEquals(OptionalLong.of(6), store.tempSize(id));
    assertEquals(6, store.commit(id, ContentHash.sha256("abcdef".getBytes(UTF_8))));
  }

  @Test
  void bytesPastTheLimitAreRefusedAndDropTheObject() throws IOException {
    String id = store.createTemp(OptionalLong.of(4));
    OutputStream out = store.append(id);
    OstoreException e = assertThrows(OstoreException.class, () -> out.write(new byte[5]));
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    out.close();
    assertEquals(OptionalLong.empty(), store.tempSize(id));
    assertEquals(List.of(), files("temp"));
  }

  @Test
  void oneWriterAtATimePerTemporaryObject() throws IOException {
    String id = store.createTemp(OptionalLong.empty());
    try (OutputStream first = store.append(id)) {
      OstoreException e = assertThrows(OstoreException.class, () -> store.append(id));
      assertEquals(ErrorCode.CONFLICT, e.code());
      first.write(1);
    }
    store.append(id).close();
  }

  @Test
  void unknownTemporaryObjectsAreNotFound() {
    for (var call : List.<org.junit.jupiter.api.function.Executable>of(
        () -> store.append("nope"), () -> store.commit("nope", ContentHash.sha256(new byte[0])))) {
      assertEquals(ErrorCode.NOT_FOUND, assertThrows(OstoreException.class, call).code());
    }
  }

  @Test
  void idleTemporaryObjectsExpireAndBusyOnesDoNot() throws IOException {
    String idle = store.createTemp(OptionalLong.empty());
    String busy = store.createTemp(OptionalLong.empty());
    try (OutputStream out = store.append(busy)) {
      clock.advance(EXPIRY.plusSeconds(1));
      assertEquals(1, store.expireTemps());
      out.write(1);
    }
    assertEquals(OptionalLong.empty(), store.tempSize(idle));
    assertEquals(OptionalLong.of(1), store.tempSize(busy));
    clock.advance(EXPIRY.minusSeconds(1));
    assertEquals(0, store.expireTemps());
    clock.advance(Duration.ofSeconds(2));
    assertEquals(1, store.expireTemps());
    assertEquals(List.of(), files("temp"));
  }

  @Test
  void pastTheCapANewTemporaryObjectIsBusyUntilAnotherEnds() throws IOException {
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < MAX_TEMPS; i++) {
      ids.add(store.createTemp(OptionalLong.empty()));
    }
    OstoreException e = assertThrows(OstoreException.class,
        () -> store.createTemp(OptionalLong.empty()));
    assertEquals(ErrorCode.BUSY, e.code());
    assertEquals("too many uploads in progress on this data server (3)", e.getMessage());
    // Each way a temporary object ends frees its place: abort, commit, failed append, expiry.
    store.abort(ids.get(0));
    store.commit(store.createTemp(OptionalLong.empty()), ContentHash.sha256(new byte[0]));
    OutputStream tooMuch = store.append(store.createTemp(OptionalLong.of(0)));
    assertThrows(OstoreException.class, () -> tooMuch.write(1));
    clock.advance(EXPIRY.plusSeconds(1));
    assertEquals(2, store.expireTemps());
    for (int i = 0; i < MAX_TEMPS; i++) {
      store.createTemp(OptionalLong.empty());
    }
    assertEquals(ErrorCode.BUSY, assertThrows(OstoreException.class,
        () -> store.createTemp(OptionalLong.empty())).code());
  }

  @Test
  void closingClosesTheTemporaryObjectsFilesAndReopeningDeletesThem() throws IOException {
    String id = null;
    for (int i = 0; i < MAX_TEMPS; i++) {
      id = store.createTemp(OptionalLong.empty());
      try (OutputStream out = store.append(id)) {
        out.write(i);
      }
    }
    assertEquals(MAX_TEMPS, openFilesIn("temp"));
    store.close();
    store.close();
    assertEquals(0, openFilesIn("temp"));
    assertEquals(OptionalLong.empty(), store.tempSize(id));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> store.createTemp(OptionalLong.empty()));
    assertEquals("content store is closed", e.getMessage());
    assertEquals(MAX_TEMPS, files("temp").size(), "left for the next start");
    ContentStore.onDisk(root, clock, EXPIRY, MAX_TEMPS).close();
    assertEquals(List.of(), files("temp"));
  }

  @Test
  void theIndexIsRebuiltOnOpeningAndForeignFilesAreIgnored() throws IOException {
    byte[] bytes = "kept".getBytes(UTF_8);
    put(bytes);
    Files.writeString(root.resolve("objects").resolve("README.txt"), "not ours");
    Files.writeString(root.resolve("objects").resolve("x".repeat(64)), "not a hash");
    String unfinished = store.createTemp(OptionalLong.empty());
    store.append(unfinished).close();

    try (ContentStore reopened = ContentStore.onDisk(root, clock, EXPIRY, MAX_TEMPS)) {
      assertTrue(reopened.contains(ContentHash.sha256(bytes)));
      assertEquals(List.of(), files("temp"), "leftover temporary objects are removed");
    }
  }

  @Test
  void quarantinedContentIsGoneFromTheIndexAndMovedAside() throws IOException {
    byte[] bytes = "rotten".getBytes(UTF_8);
    put(bytes);
    ContentHash hash = ContentHash.sha256(bytes);
    store.quarantine(hash);
    assertFalse(store.contains(hash));
    assertEquals(Optional.empty(), store.open(hash));
    assertEquals(1, files("corrupt").size());
  }

  @Test
  void aFileRemovedBehindItsBackIsNoLongerAnnounced() throws IOException {
    ContentHash hash = putThenRemoveByHand("vanishing".getBytes(UTF_8));
    assertEquals(Optional.empty(), store.open(hash));
    assertFalse(store.contains(hash));
  }

  @Test
  void contentRemovedByHandIsStoredAgain() throws IOException {
    byte[] bytes = "again".getBytes(UTF_8);
    ContentHash hash = putThenRemoveByHand(bytes);
    put(bytes);
    try (StoredObject object = store.open(hash).orElseThrow()) {
      assertArrayEquals(bytes, object.stream().readAllBytes());
    }
    assertEquals(List.of(), files("temp"));
  }

  /** Stores {@code bytes}, then deletes their file behind the store's back; their hash. */
  private ContentHash putThenRemoveByHand(byte[] bytes) throws IOException {
    put(bytes);
    ContentHash hash = ContentHash.sha256(bytes);
    Files.delete(root.resolve("objects").resolve(hash.hex()));
    assertTrue(store.contains(hash), "the index cannot know yet");
    return hash;
  }

  private long put(byte[] bytes) throws IOException {
    String id = store.createTemp(OptionalLong.of(bytes.length));
    try (OutputStream out = store.append(id)) {
      out.write(bytes);
    }
    return store.commit(id, ContentHash.sha256(bytes));
  }

  /** How many files this process holds open in {@code dir}, as Linux lists them. */
  private long openFilesIn(String dir) throws IOException {
    Path where = root.resolve(dir).toRealPath();
    try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
      return descriptors.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).startsWith(where);
        } catch (IOException gone) {
          return false;
        }
      }).count();
    }
  }

  private List<String> files(String dir) throws IOException {
    try (Stream<Path> files = Files.list(root.resolve(dir))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
