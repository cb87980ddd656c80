package dev.ostore.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes to SQLite that queue behind a running one are committed in one batch: each caller still
 * gets its own result, and only once its write is committed; one write's error is its own; a
 * write that cannot start within its wait fails and is never run.
 */
@Timeout(60)
class GroupCommitTest {
  private static final int QUEUED = 5;

  @TempDir
  Path dir;
  private final ExecutorService callers = Executors.newCachedThreadPool();
  /** Of {@link #heldAt}: counted down once the writer holds, released by the test. */
  private final CountDownLatch writerHeld = new CountDownLatch(1);
  private final CountDownLatch letWriterGo = new CountDownLatch(1);
  /** Of {@link #heldAt}: each batch run, by its writes' names. */
  private final List<List<String>> batches = new CopyOnWriteArrayList<>();
  private Database database;

  @BeforeEach
  void open() throws Exception {
    database = new Database(SqliteDialect.INSTANCE, JdbcUrls.sqlite(dir.resolve("m.db")),
        "test", InstantSource.system());
    database.write("create a table", session -> {
      session.statement("CREATE TABLE t (v INTEGER)").executeUpdate();
      return null;
    });
  }

  @AfterEach
  void close() {
    callers.shutdownNow();
    database.close();
  }

  @Test
  void writesQueuedTogetherAreEachCommittedWithTheirOwnResult() throws Exception {
    List<Future<Integer>> writes = queueBehindABlockedWrite(-1);
    for (int i = 0; i < QUEUED; i++) {
      assertEquals(i + 1, writes.get(i).get(10, TimeUnit.SECONDS));
    }
    assertEquals(List.of(0, 1, 2, 3, 4, 5), rows());
  }

  @Test
  void aFailingWriteAmongQueuedOnesFailsAloneAndTheOthersAreCommitted() throws Exception {
    List<Future<Integer>> writes = queueBehindABlockedWrite(3);
    for (int i = 0; i < QUEUED; i++) {
      if (i + 1 == 3) {
        ExecutionException failed = assertThrows(ExecutionException.class,
            writes.get(i)::get);
        OstoreException cause = assertInstanceOf(OstoreException.class, failed.getCause());
        assertEquals(ErrorCode.METADATA_UNAVAILABLE, cause.code());
        assertEquals("metadata store failed to write 3", cause.getMessage());
      } else {
        assertEquals(i + 1, writes.get(i).get(10, TimeUnit.SECONDS));
      }
    }
    assertEquals(List.of(0, 1, 2, 4, 5), rows());
  }

  @Test
  void aWriteThatCannotStartWithinItsWaitFailsAndIsNeverRun() throws Exception {
    GroupCommit commits = heldAt("stuck", Duration.ofSeconds(1));
    Future<Object> stuck = writeHoldingTheWriter(commits, "stuck");
    OstoreException late = assertThrows(OstoreException.class,
        () -> commits.write("late", session -> null));
    assertEquals(ErrorCode.METADATA_UNAVAILABLE, late.code());
    assertEquals("no write to the metadata store could start within 1 s", late.getMessage());
    letWriterGo.countDown();
    stuck.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("stuck"), ran(), "the late write never ran");
    assertEquals(0, commits.queued());
  }

  @Test
  void aWriteQueuedAfterTheRunningBatchWasTakenRunsInTheNextOne() throws Exception {
    GroupCommit commits = heldAt("first", Duration.ofSeconds(60));
    Future<Object> first = writeHoldingTheWriter(commits, "first");
    Future<Object> second = callers.submit(() -> commits.write("second", session -> null));
    awaitQueued(commits::queued, 1);
    letWriterGo.countDown();
    assertEquals("first", first.get(10, TimeUnit.SECONDS));
    assertEquals("second", second.get(10, TimeUnit.SECONDS));
    assertEquals(List.of(List.of("first"), List.of("second")), batches);
  }

  @Test
  void manyConcurrentCallersEachGetTheirOwnResultOnceAndInBatches() throws Exception {
    int threads = 32;
    int each = 200;
    List<String> ran = new CopyOnWriteArrayList<>();
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    GroupCommit commits = new GroupCommit(Duration.ofSeconds(60), batch -> {
      sizes.add(batch.size());
      LockSupport.parkNanos(20_000); // a commit's forced write, long enough for others to queue
      for (GroupCommit.Queued<?> queued : batch) {
        ran.add(queued.what());
        succeed(queued, queued.what());
      }
    });
    List<Future<List<Object>>> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      all.add(callers.submit(() -> {
        List<Object> results = new ArrayList<>();
        for (int i = 0; i < each; i++) {
          results.add(commits.write(thread + "/" + i, session -> null));
        }
        return results;
      }));
    }
    for (int t = 0; t < threads; t++) {
      List<Object> results = all.get(t).get(30, TimeUnit.SECONDS);
      for (int i = 0; i < each; i++) {
        assertEquals(t + "/" + i, results.get(i));
      }
    }
    assertEquals(threads * each, ran.size());
    assertEquals(threads * each, Set.copyOf(ran).size(), "no write ran twice");
    assertTrue(sizes.size() < threads * each, "some writes shared a batch: " + sizes.size());
    assertEquals(0, commits.queued());
  }

  @Test
  void aCallerInterruptedWhileItWaitsGivesUpAndItsWriteNeverRuns() throws Exception {
    GroupCommit commits = heldAt("stuck", Duration.ofSeconds(60));
    Future<Object> stuck = writeHoldingTheWriter(commits, "stuck");
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread waiting = new Thread(() -> {
      try {
        commits.write("interrupted", session -> null);
      } catch (OstoreException | RuntimeException e) {
        failure.set(e);
      }
      stillInterrupted.set(Thread.currentThread().isInterrupted());
    });
    waiting.start();
    awaitQueued(commits::queued, 1);
    waiting.interrupt();
    waiting.join(10_000);
    OstoreException gaveUp = assertInstanceOf(OstoreException.class, failure.get());
    assertEquals(ErrorCode.METADATA_UNAVAILABLE, gaveUp.code());
    assertTrue(stillInterrupted.get(), "the caller keeps its interrupt");
    letWriterGo.countDown();
    assertEquals("stuck", stuck.get(10, TimeUnit.SECONDS));
    Future<Object> after = callers.submit(() -> commits.write("after", session -> null));
    assertEquals("after", after.get(10, TimeUnit.SECONDS), "the writer was given up");
    assertEquals(List.of("stuck", "after"), ran(), "the interrupted write never ran");
  }

  /**
   * Starts a write of 0 that holds the writer until {@link #QUEUED} more, of 1, 2..., have
   * queued behind it, then lets it go; write {@code failing} also runs a statement that fails.
   */
  private List<Future<Integer>> queueBehindABlockedWrite(int failing) throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<Integer> first = callers.submit(() -> database.write("write 0", session -> {
      holding.countDown();
      awaitQuietly(release);
      return insert(session, 0);
    }));
    holding.await();
    List<Future<Integer>> writes = new ArrayList<>();
    for (int i = 1; i <= QUEUED; i++) {
      int value = i;
      writes.add(callers.submit(() -> database.write("write " + value, session -> {
        if (value == failing) {
          session.statement("INSERT INTO nowhere VALUES (1)").executeUpdate();
        }
        return insert(session, value);
      })));
    }
    awaitQueued(database::queuedWrites, QUEUED);
    release.countDown();
    assertEquals(0, first.get(10, TimeUnit.SECONDS));
    return writes;
  }

  private static int insert(Session session, int value) throws SQLException {
    session.statement("INSERT INTO t (v) VALUES (?)", value).executeUpdate();
    return value;
  }

  private List<Integer> rows() throws OstoreException {
    return database.read("read", session -> {
      List<Integer> values = new ArrayList<>();
      try (ResultSet rows = session.statement("SELECT v FROM t ORDER BY v").executeQuery()) {
        while (rows.next()) {
          values.add(rows.getInt(1));
        }
      }
      return values;
    });
  }

  /**
   * Group commit whose runner records each batch in {@link #batches}, holds the writer at write
   * {@code held} (counting down {@link #writerHeld}) until {@link #letWriterGo}, and settles each
   * write with its name.
   */
  private GroupCommit heldAt(String held, Duration maxWait) {
    return new GroupCommit(maxWait, batch -> {
      batches.add(batch.stream().map(GroupCommit.Queued::what).toList());
      for (GroupCommit.Queued<?> queued : batch) {
        if (queued.what().equals(held)) {
          writerHeld.countDown();
          awaitQuietly(letWriterGo);
        }
        succeed(queued, queued.what());
      }
    });
  }

  /** Starts write {@code held} of {@link #heldAt} and returns once it holds the writer. */
  private Future<Object> writeHoldingTheWriter(GroupCommit commits, String held)
      throws InterruptedException {
    Future<Object> write = callers.submit(() -> commits.write(held, session -> null));
    writerHeld.await();
    return write;
  }

  /** Waits until {@code queued} counts at least {@code count} writes waiting for the writer. */
  private static void awaitQueued(IntSupplier queued, int count) throws InterruptedException {
    while (queued.getAsInt() < count) {
      Thread.sleep(5);
    }
  }

  /** The names of the writes run, in order. */
  private List<String> ran() {
    return batches.stream().flatMap(List::stream).toList();
  }

  /** Settles {@code queued} with {@code value}, as a runner settles a write with its result. */
  @SuppressWarnings("unchecked")
  private static void succeed(GroupCommit.Queued<?> queued, Object value) {
    ((GroupCommit.Queued<Object>) queued).succeeded(value);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
