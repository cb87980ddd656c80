package dev.ostore.object;

import dev.ostore.ContentHash;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Where readers and writers report shards they found missing or damaged, to be put back by
 * {@link ContentRepair} beside the requests, never in their way: an offer returns at once, and
 * one that finds the queue full is dropped (the repair service finds the shard later). Thread-safe.
 */
public interface RepairQueue {
  /** Drops every offer: for stores whose redundancy nothing should touch, such as tools. */
  RepairQueue NONE = (hash, indexes, why) -> {};

  /**
   * A queue of up to {@code capacity} contents, repaired one at a time by tasks run on {@code
   * executor} (a single thread, or {@code Runnable::run} in tests, to repair inline).
   */
  static RepairQueue start(ContentRepair repair, int capacity, Executor executor) {
    return new QueuedRepairs(repair, capacity, executor);
  }

  /**
   * Asks for shards {@code indexes} of {@code hash} to be put back unless a live server holds
   * them by then ({@code why} goes to the log).
   */
  void offer(ContentHash hash, Set<Integer> indexes, String why);
}
