package dev.ostore.collect;

import dev.ostore.pass.Failure;
import dev.ostore.pass.Failures;
import java.time.Instant;
import java.util.Optional;

/**
 * The counters of a collection pass in progress: written by the pass, read by whoever asks for
 * the status meanwhile, hence synchronized.
 */
final class CollectProgress {
  private final Instant started;
  private final boolean dryRun;
  private final Failures failures = new Failures();
  private long versionsRemoved;
  private long checked;
  private long collected;
  private long orphans;
  private long revived;
  private long shardsHeld;
  private long bytesHeld;
  private long restored;
  private long wholeCopiesHeld;
  private long wholeCopiesRestored;

  CollectProgress(Instant started, boolean dryRun) {
    this.started = started;
    this.dryRun = dryRun;
  }

  boolean dryRun() {
    return dryRun;
  }

  synchronized void versionsRemoved(long removed) {
    versionsRemoved += removed;
  }

  synchronized void checked() {
    checked++;
  }

  /** A content collected (or, in a dry run, that would be), and its shards held. */
  synchronized void collected(boolean orphan, int shards, long bytes) {
    collected++;
    orphans += orphan ? 1 : 0;
    shardsHeld += shards;
    bytesHeld += bytes;
  }

  /** A whole copy held (or, in a dry run, that would be) of {@code bytes}. */
  synchronized void wholeCopyHeld(long bytes) {
    wholeCopiesHeld++;
    bytesHeld += bytes;
  }

  synchronized void wholeCopyRestored() {
    wholeCopiesRestored++;
  }

  synchronized void revived() {
    revived++;
  }

  synchronized void restored() {
    restored++;
  }

  void failed(Failure failure) {
    failures.add(failure);
  }

  synchronized CollectReport report(Optional<Instant> finished, String result) {
    return new CollectReport(started, finished, failures.result(result), dryRun,
        versionsRemoved, checked, collected, orphans, revived, shardsHeld, wholeCopiesHeld,
        bytesHeld, restored, wholeCopiesRestored, failures.kept());
  }
}
