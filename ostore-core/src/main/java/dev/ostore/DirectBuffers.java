package dev.ostore;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The buffers outside the heap that ostore keeps for a while, lent from one budget: the windows
 * of direct reads of shards and the bodies of long answers gathered for the socket. Each is lent
 * while a read or an answer runs and taken back at its end; together they hold at most the
 * budget, and a user refused one does without (reads through the page cache, answers in smaller
 * writes). Why: each long read holds two windows of about 2.5 MiB, each long answer 1 MiB, and
 * without a bound a busy server asked the JVM for more than its limit outside the heap (the
 * heap's size, by default): eight GETs of 64 MiB at once in a 64 MiB store were five 500s, and
 * thirty-two at once from 48 MiB data servers 28 502s (benchmarks.md, section 61). A few buffers
 * are kept for the next users rather than left to the garbage collector, which alone frees such
 * memory.
 */
public final class DirectBuffers {
  /** The share of the JVM's memory outside the heap that these buffers may hold: a half. */
  static final int SHARE_OF_DIRECT_MEMORY = 2;
  /** Buffers kept for reuse once given back; more are left to the garbage collector. */
  static final int KEPT = 16;

  private final long budget;
  /** Bytes of the buffers lent and kept, guarded by this. */
  private long held;
  private final ArrayDeque<Kept> kept = new ArrayDeque<>();
  /** The buffers lent now, each with what it cost: by identity, as users hand them back. */
  private final Map<ByteBuffer, Long> lent = new IdentityHashMap<>();

  /** A buffer given back, and what it counts against the budget since it was allocated. */
  private record Kept(ByteBuffer buffer, long cost) {}

  private DirectBuffers(long budget) {
    if (budget < 0) {
      throw new IllegalArgumentException("budget " + budget + " is negative");
    }
    this.budget = budget;
  }

  /** Buffers of at most {@code budget} bytes at once. */
  public static DirectBuffers upTo(long budget) {
    return new DirectBuffers(budget);
  }

  /**
   * The buffers of this JVM, at most a half of what it may hold outside its heap, the rest left
   * to Jetty, uploads' writes and the JDK: one budget for all, since the limit is the JVM's (a
   * one-command store runs six data servers' stores and an api server in one).
   */
  public static DirectBuffers ofThisJvm() {
    return OfThisJvm.BUFFERS;
  }

  /** Made when first asked for. */
  private static final class OfThisJvm {
    static final DirectBuffers BUFFERS = upTo(directMemory() / SHARE_OF_DIRECT_MEMORY);
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
   * (a power of two), to be given back with {@link #give} or {@link #discard}; empty when lending
   * it would pass the budget.
   */
  public synchronized Optional<ByteBuffer> take(int size, int align) {
    for (Iterator<Kept> i = kept.iterator(); i.hasNext(); ) {
      Kept one = i.next();
      if (one.buffer().capacity() >= size && one.buffer().alignmentOffset(0, align) == 0) {
        i.remove();
        return Optional.of(lend(one.buffer(), one.cost(), size));
      }
    }
    // An aligned buffer costs its bytes and what was allocated around them to align it.
    long cost = size + 2L * align;
    // Buffers of another size or alignment make room for this one.
    while (held + cost > budget && !kept.isEmpty()) {
      held -= kept.removeFirst().cost();
    }
    if (held + cost > budget) {
      return Optional.empty();
    }
    held += cost;
    return Optional.of(lend(ByteBuffer.allocateDirect(size + align).alignedSlice(align), cost,
        size));
  }

  private ByteBuffer lend(ByteBuffer buffer, long cost, int size) {
    lent.put(buffer, cost);
    return buffer.clear().limit(size);
  }

  /**
   * Takes back a buffer {@link #take} lent, to lend again: its user is done with it, and so is
   * anything it handed the buffer to.
   */
  public synchronized void give(ByteBuffer buffer) {
    long cost = returned(buffer);
    if (kept.size() < KEPT) {
      kept.addFirst(new Kept(buffer, cost));
    } else {
      held -= cost;
    }
  }

  /**
   * Counts a buffer {@link #take} lent no more, without lending it again: for a user that failed
   * while something else may still use the buffer (a socket's write, a reader on another thread).
   */
  public synchronized void discard(ByteBuffer buffer) {
    held -= returned(buffer);
  }

  /** What {@code buffer}, lent and now back, cost when it was allocated. */
  private long returned(ByteBuffer buffer) {
    Long cost = lent.remove(buffer);
    if (cost == null) {
      throw new IllegalArgumentException("a buffer these buffers did not lend, or got back");
    }
    return cost;
  }

  /** Bytes lent and kept now. */
  public synchronized long held() {
    return held;
  }
}
