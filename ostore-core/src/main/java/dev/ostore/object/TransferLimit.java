package dev.ostore.object;

import java.io.IOException;
import java.time.Duration;

/**
 * How many transfers of content in shards an api server runs at once: PUTs and appends to
 * resumable uploads streamed to the data servers, GETs (whole or ranges) streamed from them.
 * Each holds buffers of some megabytes (docs/operations.md), so without a bound the memory grows
 * with the number of clients until the process runs out of it. Past the bound a transfer waits
 * for another to end, and is {@code BUSY} when none does within the wait. Small content takes no
 * slot: a PUT below the small-object limit (held whole in memory, and kept inline or sent in one
 * request per copy), or a read of 64 KiB or less.
 */
public interface TransferLimit {
  /**
   * Memory a transfer in shards holds at most, on the heap and outside it together, rounded up:
   * a GET's shard feeds and answer buffer, a PUT's queued blocks and writes past the page cache.
   */
  long BYTES_A_TRANSFER = 16L << 20;

  /** How long a transfer waits for a slot unless told otherwise. */
  Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  /** At most {@code most} transfers at once; one more waits up to {@code wait} for a slot. */
  static TransferLimit of(int most, Duration wait) {
    return new SemaphoreTransferLimit(most, wait);
  }

  /** As many transfers as {@link #defaultMost} says, each waiting {@link #DEFAULT_WAIT}. */
  static TransferLimit sizedToHeap() {
    return of(defaultMost(), DEFAULT_WAIT);
  }

  /**
   * As many transfers as half the heap holds at {@link #BYTES_A_TRANSFER} each, and at least 4:
   * the other half, and Java's memory outside the heap (as large as the heap unless set), are
   * left for the rest.
   */
  static int defaultMost() {
    return (int) Math.max(4, Math.min(4096, Runtime.getRuntime().maxMemory() / 2
        / BYTES_A_TRANSFER));
  }

  /**
   * Takes a slot for the transfer of {@code what} (named in the error), waiting for one to come
   * free: {@code BUSY} (an {@link dev.ostore.OstoreException}) when none does within the wait.
   */
  Slot take(Object what) throws IOException;

  /** The most transfers at once. */
  int most();

  /** The transfers holding a slot now. */
  int running();

  /** Transfers refused so far, having waited for a slot in vain. */
  long refused();

  /** A transfer's slot: closing it gives the slot back, the first time only. */
  interface Slot extends AutoCloseable {
    /** No slot: what a transfer too small to count holds. */
    Slot NONE = () -> {};

    @Override
    void close();
  }
}
