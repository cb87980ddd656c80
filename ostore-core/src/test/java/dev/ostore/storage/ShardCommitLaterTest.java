package dev.ostore.storage;

import static dev.ostore.storage.ShardStoreTest.FILE_LAYOUT;
import static dev.ostore.storage.ShardStoreTest.FILE_SHARD;
import static dev.ostore.storage.ShardStoreTest.LAYOUT;
import static dev.ostore.storage.ShardStoreTest.MAX_UPLOADS;
import static dev.ostore.storage.ShardStoreTest.STRIPING;
import static dev.ostore.storage.ShardStoreTest.appendBlocks;
import static dev.ostore.storage.ShardStoreTest.put;
import static dev.ostore.storage.ShardStoreTest.read;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ShardId;
import dev.ostore.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ShardUpload#commitLater}: a shard is visible only once the force that the store hands to
 * the executor has run, and shards committed meanwhile share it.
 */
class ShardCommitLaterTest {
  @TempDir
  Path root;
  ShardStore store;
  /** The forces handed over, run only when the test says. */
  final Queue<Runnable> forces = new ArrayDeque<>();
  final Executor byHand = forces::add;

  @BeforeEach
  void open() throws IOException {
    store = ShardStore.onDisk(root, MAX_UPLOADS);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aShardIsHeldOnlyOnceItsForceHasRun() throws Exception {
    ShardId id = new ShardId(hash("one"), 2);
    byte[] bytes = TestData.randomBytes(250, 1);
    CompletableFuture<ShardId> committed;
    try (ShardUpload upload = upload(id, bytes)) {
      committed = upload.commitLater(id.hash(), LAYOUT.objectSize(), byHand);
      assertFalse(committed.isDone());
      assertEquals(Optional.empty(), store.open(id));
      assertEquals(List.of(), store.held(id.hash()));

      runForces();
      assertEquals(id, committed.get(0, TimeUnit.SECONDS));
      assertFalse(upload.keptExisting());
    }
    assertBytes(id, bytes);
  }

  @Test
  void shardsCommittedBeforeAForceRunsAllShareIt() throws Exception {
    List<CompletableFuture<ShardId>> committed = new ArrayList<>();
    for (int i = 0; i < MAX_UPLOADS; i++) {
      ShardId id = new ShardId(hash("shared " + i), 0);
      try (ShardUpload upload = upload(id, TestData.randomBytes(250, i))) {
        committed.add(upload.commitLater(id.hash(), LAYOUT.objectSize(), byHand));
      }
    }
    assertEquals(1, forces.size(), "one force handed over for all");
    runForces();
    for (int i = 0; i < MAX_UPLOADS; i++) {
      assertEquals(new ShardId(hash("shared " + i), 0), committed.get(i).get(0, TimeUnit.SECONDS));
      assertBytes(new ShardId(hash("shared " + i), 0), TestData.randomBytes(250, i));
    }
  }

  @Test
  void aShardStoredAlreadyIsKeptWithoutAForce() throws Exception {
    ShardId id = new ShardId(hash("kept"), 1);
    byte[] bytes = TestData.randomBytes(250, 2);
    put(store, id, LAYOUT, bytes);
    try (ShardUpload upload = upload(id, TestData.randomBytes(250, 3))) {
      CompletableFuture<ShardId> committed =
          upload.commitLater(id.hash(), LAYOUT.objectSize(), byHand);
      assertEquals(id, committed.get(0, TimeUnit.SECONDS));
      assertTrue(upload.keptExisting());
    }
    assertTrue(forces.isEmpty());
    assertBytes(id, bytes);
  }

  @Test
  void blocksThatDoNotFitTheSizeFailTheFutureAndKeepNothing() throws Exception {
    ShardId id = new ShardId(hash("misfit"), 0);
    try (ShardUpload upload = upload(id, TestData.randomBytes(250, 4))) {
      CompletableFuture<ShardId> committed = upload.commitLater(id.hash(), 2000, byHand);
      OstoreException e = failure(committed);
      assertEquals(ErrorCode.BAD_REQUEST, e.code(), e.getMessage());
    }
    assertTrue(forces.isEmpty());
    assertEquals(Optional.empty(), store.open(id));
  }

  @Test
  void aStoreClosedBeforeTheForceFailsTheFutureInsteadOfHangingIt() throws Exception {
    ShardId id = new ShardId(hash("closed"), 0);
    CompletableFuture<ShardId> committed;
    try (ShardUpload upload = upload(id, TestData.randomBytes(250, 5))) {
      committed = upload.commitLater(id.hash(), LAYOUT.objectSize(), byHand);
    }
    store.close();
    runForces();
    assertEquals(ErrorCode.STORAGE_FAILED, failure(committed).code());
  }

  @Test
  void aBigShardIsCommittedAtOnceAsByCommit() throws Exception {
    ShardId id = new ShardId(hash("big"), 0);
    byte[] bytes = TestData.randomBytes(FILE_SHARD, 6);
    try (ShardUpload upload = store.create(id.index(), STRIPING)) {
      appendBlocks(upload, FILE_LAYOUT, bytes);
      CompletableFuture<ShardId> committed =
          upload.commitLater(id.hash(), FILE_LAYOUT.objectSize(), byHand);
      assertEquals(id, committed.get(0, TimeUnit.SECONDS));
    }
    assertTrue(forces.isEmpty());
    try (ShardFile file = store.open(id).orElseThrow()) {
      assertArrayEquals(bytes, read(file, 0, FILE_LAYOUT.blockCount()));
    }
  }

  @Test
  void shardsCommittedFromManyThreadsOnAPoolAreAllHeldAfterARestart() throws Exception {
    int threads = MAX_UPLOADS;
    int each = 40;
    ExecutorService pool = Executors.newCachedThreadPool();
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    try {
      List<CompletableFuture<ShardId>> committed = new ArrayList<>();
      List<Future<List<CompletableFuture<ShardId>>>> started =
          new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        started.add(callers.submit(() -> {
          List<CompletableFuture<ShardId>> mine = new ArrayList<>();
          for (int i = 0; i < each; i++) {
            ShardId id = new ShardId(hash("many " + thread + "/" + i), 0);
            try (ShardUpload upload = upload(id, TestData.randomBytes(250, thread * each + i))) {
              mine.add(upload.commitLater(id.hash(), LAYOUT.objectSize(), pool));
            }
          }
          return mine;
        }));
      }
      for (var future : started) {
        committed.addAll(future.get(30, TimeUnit.SECONDS));
      }
      CompletableFuture.allOf(committed.toArray(CompletableFuture[]::new))
          .get(30, TimeUnit.SECONDS);
    } finally {
      callers.shutdownNow();
      pool.shutdownNow();
    }
    store.close();
    store = ShardStore.onDisk(root, MAX_UPLOADS);
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < each; i++) {
        assertBytes(new ShardId(hash("many " + t + "/" + i), 0),
            TestData.randomBytes(250, t * each + i));
      }
    }
  }

  private ShardUpload upload(ShardId id, byte[] bytes) throws IOException {
    ShardUpload upload = store.create(id.index(), STRIPING);
    appendBlocks(upload, LAYOUT, bytes);
    return upload;
  }

  private void runForces() {
    for (Runnable force; (force = forces.poll()) != null; ) {
      force.run();
    }
  }

  private void assertBytes(ShardId id, byte[] bytes) throws IOException {
    try (ShardFile file = store.open(id).orElseThrow()) {
      assertArrayEquals(bytes, read(file, 0, LAYOUT.blockCount()));
    }
  }

  private static OstoreException failure(CompletableFuture<ShardId> committed) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> committed.get(0, TimeUnit.SECONDS));
    return assertInstanceOf(OstoreException.class, e.getCause());
  }

  private static ContentHash hash(String content) {
    return ContentHash.sha256(content.getBytes(UTF_8));
  }
}
