package dev.ostore.object;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ContentHash;
import dev.ostore.object.ContentRepair.Outcome;
import java.io.IOException;
import java.lang.System.Logger;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@link RepairQueue} draining into one task at a time: the first offer into an empty queue
 * starts a task that repairs until the queue is empty again, so no thread waits while there is
 * nothing to repair and two repairs never compete for the same servers.
 */
final class QueuedRepairs implements RepairQueue {
  private static final Logger log = System.getLogger(QueuedRepairs.class.getName());

  private final ContentRepair repair;
  private final int capacity;
  private final Executor executor;
  private final Deque<Request> pending = new ArrayDeque<>();
  private boolean draining;

  private record Request(ContentHash hash, Set<Integer> indexes, String why) {}

  QueuedRepairs(ContentRepair repair, int capacity, Executor executor) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a repair queue needs room: " + capacity);
    }
    this.repair = repair;
    this.capacity = capacity;
    this.executor = executor;
  }

  @Override
  public void offer(ContentHash hash, Set<Integer> indexes, String why) {
    synchronized (this) {
      if (pending.size() >= capacity) {
        log.log(WARNING, () -> "repair queue full: shards " + indexes + " of " + hash
            + " wait for the repair service (" + why + ")");
        return;
      }
      pending.add(new Request(hash, Set.copyOf(indexes), why));
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        draining = false;
        pending.clear(); // shutting down: the repair service finds them later
      }
    }
  }

  private void drain() {
    while (true) {
      Request request;
      synchronized (this) {
        request = pending.poll();
        if (request == null) {
          draining = false;
          return;
        }
      }
      try {
        Outcome outcome = repair.repair(request.hash(), request.indexes(), ContentRepair.Pace.NONE);
        log.log(INFO, () -> "read repair of " + request.hash() + " (" + request.why() + "): "
            + outcome.rebuilt() + " of " + outcome.missing() + " missing shards rebuilt");
      } catch (IOException | RuntimeException e) {
        log.log(WARNING, () -> "cannot repair " + request.hash() + " (" + request.why() + "): "
            + e.getMessage());
      }
    }
  }
}
