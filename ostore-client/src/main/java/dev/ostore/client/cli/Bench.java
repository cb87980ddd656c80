package dev.ostore.client.cli;

import static java.util.Objects.requireNonNull;

import dev.ostore.client.ObjectVersion;
import dev.ostore.client.OstoreClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Measures a server through {@link OstoreClient}, as an application would see it: the SDK's
 * SHA-256 of each PUT body, its reading of the version line the server answers, and its SHA-256
 * check of each GET body are all timed. PUTs go to new names {@code bench-<prefix>-<i>} with a
 * random prefix per run; GETs read objects stored before the clock starts and check each body's
 * length. Every PUT sends content of its own (a random body whose first bytes count the PUTs),
 * since a server that stores each content once would otherwise store only the first and measure
 * dedup; so each thread holds a copy of the body. At the end, unless {@link BenchOptions#keep()},
 * every version of the objects whose names have the run's prefix is removed for good, untimed, also
 * after a failed run: a benchmark of a user's store leaves nothing in its listing, and the next
 * collection pass gives its space back.
 */
final class Bench {
  /** One operation of a phase, by its index. */
  @FunctionalInterface
  private interface Operation {
    void run(int index) throws IOException;
  }

  /** The latency of each successful operation of a phase, its failures, and how many ran. */
  private record Phase(long[] latencies, int errors, Optional<Exception> firstError, int ran) {}

  /** In a phase's latencies: the operation was not started, its phase ran out of time first. */
  private static final long NOT_RUN = -2;
  /** In a phase's latencies: the operation failed. */
  private static final long FAILED = -1;

  private final OstoreClient client;
  private final BenchOptions options;
  private final byte[] payload;
  private final String prefix;
  private final AtomicLong puts = new AtomicLong();
  private final ThreadLocal<byte[]> bodies;

  private Bench(OstoreClient client, BenchOptions options, Random random) {
    this.client = requireNonNull(client, "client");
    this.options = requireNonNull(options, "options");
    this.payload = new byte[(int) options.size()];
    random.nextBytes(payload);
    this.prefix = String.format("bench-%08x", random.nextInt());
    this.bodies = ThreadLocal.withInitial(payload::clone);
  }

  /** Runs the whole benchmark; {@code random} fills the bodies and picks the name prefix. */
  static BenchResult run(OstoreClient client, BenchOptions options, Random random)
      throws IOException, InterruptedException {
    return new Bench(client, options, random).run();
  }

  private BenchResult run() throws IOException, InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(options.concurrency());
    try {
      BenchResult measured;
      try {
        measured = measure(pool);
      } catch (IOException | InterruptedException | RuntimeException e) {
        if (!options.keep()) {
          try {
            deleteWritten(pool);
          } catch (IOException | InterruptedException | RuntimeException cleanup) {
            e.addSuppressed(cleanup);
          }
        }
        throw e;
      }
      return options.keep() ? measured : measured.withDeleted(deleteWritten(pool));
    } finally {
      pool.shutdownNow();
    }
  }

  private BenchResult measure(ExecutorService pool) throws IOException, InterruptedException {
    int readable = options.readableObjects();
    Phase stored = phase(pool, readable, Long.MAX_VALUE,
        i -> client.put(prefix + "-r" + i, nextBody()));
    if (stored.errors() > 0) {
      Exception first = stored.firstError().orElseThrow();
      throw new IOException("storing the objects to read failed: " + first.getMessage(), first);
    }
    long warmupStart = System.nanoTime();
    long warmupNanos = options.warmup().time().map(Duration::toNanos).orElse(Long.MAX_VALUE);
    Phase warm = phase(pool, options.warmup().operations(), warmupNanos,
        i -> operate("w" + i, i, readable));
    long start = System.nanoTime();
    Phase timed = phase(pool, options.count(), Long.MAX_VALUE,
        i -> operate(Integer.toString(i), i, readable));
    double elapsed = (System.nanoTime() - start) / 1e9;
    return new BenchResult(options, warm.ran(), (start - warmupStart) / 1e9, timed.errors(),
        elapsed, LatencyStats.of(timed.latencies()), timed.firstError().map(Exception::toString),
        prefix + "-", OptionalInt.empty());
  }

  /**
   * Removes for good every version named with this run's prefix (each name has one), listed
   * rather than remembered so that a PUT that failed on this side but was stored goes too, and
   * returns how many.
   */
  private int deleteWritten(ExecutorService pool) throws IOException, InterruptedException {
    Iterator<ObjectVersion> written = client.list(prefix + "-").iterator();
    Lock listing = new ReentrantLock();
    AtomicInteger deleted = new AtomicInteger();
    Callable<Void> worker = () -> {
      while (true) {
        ObjectVersion version;
        listing.lock();
        try {
          if (!written.hasNext()) {
            return null;
          }
          version = written.next();
        } finally {
          listing.unlock();
        }
        client.deleteVersion(version.name(), version.version());
        deleted.incrementAndGet();
      }
    };
    List<Future<Void>> workers = pool.invokeAll(Collections.nCopies(options.concurrency(), worker));
    for (Future<Void> done : workers) {
      try {
        done.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() instanceof UncheckedIOException unchecked
            ? unchecked.getCause() : e.getCause();
        throw new IOException("deleting the objects it wrote failed after " + deleted.get()
            + " (list them with: list " + prefix + "-): " + cause.getMessage(), cause);
      }
    }
    return deleted.get();
  }

  /** Runs one operation: a PUT to {@code bench-<prefix>-<suffix>}, or a GET of a stored object. */
  private void operate(String suffix, int index, int readable) throws IOException {
    boolean put = switch (options.op()) {
      case PUT -> true;
      case GET -> false;
      case MIXED -> index % 2 == 0;
    };
    if (put) {
      client.put(prefix + "-" + suffix, nextBody());
      return;
    }
    String name = prefix + "-r" + (index % readable);
    long size = client.get(name, OutputStream.nullOutputStream());
    if (size != payload.length) {
      throw new IOException("GET " + name + " gave " + size + " bytes, not " + payload.length);
    }
  }

  /** This thread's body, its first (up to 8) bytes overwritten with the next PUT's number. */
  private byte[] nextBody() {
    byte[] body = bodies.get();
    long number = puts.incrementAndGet();
    for (int i = 0; i < Math.min(Long.BYTES, body.length); i++) {
      body[i] = (byte) (number >>> (8 * i));
    }
    return body;
  }

  /**
   * Runs operations 0 to count-1 on every thread of the pool, each taking the next index, and
   * starts none once {@code budgetNanos} have passed since the phase began.
   */
  private Phase phase(ExecutorService pool, int count, long budgetNanos, Operation operation)
      throws InterruptedException {
    long phaseStart = System.nanoTime();
    long[] latencies = new long[count];
    Arrays.fill(latencies, NOT_RUN);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    Callable<Void> worker = () -> {
      for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
        long start = System.nanoTime();
        // An interrupt (Ctrl-C: the phase's tasks cancelled) ends it as the budget does.
        if (start - phaseStart > budgetNanos || Thread.currentThread().isInterrupted()) {
          break;
        }
        try {
          operation.run(i);
          latencies[i] = System.nanoTime() - start;
        } catch (IOException | RuntimeException e) {
          latencies[i] = FAILED;
          errors.incrementAndGet();
          firstError.compareAndSet(null, e);
        }
      }
      return null;
    };
    // invokeAll returns when every worker is done, which also publishes their writes to us.
    pool.invokeAll(Collections.nCopies(options.concurrency(), worker));
    long[] succeeded = Arrays.stream(latencies).filter(nanos -> nanos >= 0).toArray();
    int ran = (int) Arrays.stream(latencies).filter(nanos -> nanos != NOT_RUN).count();
    return new Phase(succeeded, errors.get(), Optional.ofNullable(firstError.get()), ran);
  }
}
