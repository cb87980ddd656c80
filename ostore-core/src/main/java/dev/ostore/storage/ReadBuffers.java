package dev.ostore.storage;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;

/**
 * The buffers outside the heap that direct reads ({@link FileReads}) read the disk into: lent
 * while a read runs and taken back at its end, all of them together at most a budget of bytes.
 * A read refused one reads through the page cache instead, or reads no window ahead. Why: each
 * long read holds two windows of about 2.5 MiB outside the heap, and without a bound the reads at
 * once of a busy data server asked for more than the JVM's limit there (the JVM's heap size, by
 * default): a 64 MiB heap failed GETs with {@link OutOfMemoryError} at eight reads at once
 * (benchmarks.md, section 61). A few buffers are kept for the next reads rather than left to the
 * garbage collector, which alone frees memory outside the heap.
 */
final class ReadBuffers {
  /** The share of the JVM's memory outside the heap that reads may hold. */
  static final int SHARE_OF_DIRECT_MEMORY = 2;
  /** Buffers kept for reuse once given back; more are left to the garbage collector. */
  static final int KEPT = 8;

  private final long budget;
  /** Bytes of the buffers lent and kept, guarded by this. */
  private long held;
  private final ArrayDeque<Kept> kept = new ArrayDeque<>();

  /** A buffer given back, and what it counts against the budget. */
  private record Kept(ByteBuffer buffer, long cost) {}

  private ReadBuffers(long budget) {
    if (budget < 0) {
      throw new IllegalArgumentException("budget " + budget + " is negative");
    }
    this.budget = budget;
  }

  /** Buffers of at most {@code budget} bytes at once. */
  static ReadBuffers upTo(long budget) {
    return new ReadBuffers(budget);
  }

  /**
   * The buffers every store of this JVM reads into, at most a half of what the JVM may hold
   * outside its heap: one budget for all, since the limit is the JVM's (a one-command store runs
   * six data servers' stores in one).
   */
  static ReadBuffers ofThisJvm() {
    return OfThisJvm.BUFFERS;
  }

  /** Made when first asked for. */
  private static final class OfThisJvm {
    static final ReadBuffers BUFFERS = upTo(directMemory() / SHARE_OF_DIRECT_MEMORY);
  }

  /** {@code -XX:MaxDirectMemorySize}, or the heap's size when it is not set, as the JVM takes it. */
  static long directMemory() {
    try {
      long set = Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .getVMOption("MaxDirectMemorySize").getValue());
      return set > 0 ? set : Runtime.getRuntime().maxMemory();
    } catch (RuntimeException e) {
      return Runtime.getRuntime().maxMemory(); // not a HotSpot JVM: its usual default
    }
  }

  /**
   * A buffer of {@code size} bytes from index 0, starting at an address aligned to {@code align}
   * (a power of two), to be given back with {@link #give}; empty when lending it would pass the
   * budget.
   */
  synchronized Optional<ByteBuffer> take(int size, int align) {
    for (Iterator<Kept> i = kept.iterator(); i.hasNext(); ) {
      ByteBuffer buffer = i.next().buffer();
      if (buffer.capacity() >= size && buffer.alignmentOffset(0, align) == 0) {
        i.remove();
        return Optional.of(buffer.clear().limit(size));
      }
    }
    // Buffers of another size or alignment make room for this one.
    while (held + size + 2L * align > budget && !kept.isEmpty()) {
      held -= kept.removeFirst().cost();
    }
    if (held + size + 2L * align > budget) {
      return Optional.empty();
    }
    ByteBuffer buffer = ByteBuffer.allocateDirect(size + align).alignedSlice(align);
    held += cost(buffer, align);
    return Optional.of(buffer.clear().limit(size));
  }

  /** Takes back a buffer {@link #take} lent for {@code align}; it is not to be used after. */
  synchronized void give(ByteBuffer buffer, int align) {
    if (kept.size() < KEPT) {
      kept.addFirst(new Kept(buffer, cost(buffer, align)));
    } else {
      held -= cost(buffer, align);
    }
  }

  /** Bytes lent and kept now. */
  synchronized long held() {
    return held;
  }

  /**
   * What an aligned buffer counts against the budget: its bytes and as many again as were
   * allocated before and after them to align it, which is less than one {@code align}.
   */
  private static long cost(ByteBuffer buffer, int align) {
    return buffer.capacity() + (long) align;
  }
}
