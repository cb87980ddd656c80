package dev.ostore.repair;

import dev.ostore.ContentHash;
import dev.ostore.object.ContentRepair.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The counters of a pass in progress: written by the pass, read by whoever asks for the status
 * meanwhile, hence synchronized. Failures beyond {@link #MAX_FAILURES} are counted, not kept.
 */
final class PassProgress {
  static final int MAX_FAILURES = 100;

  private final Instant started;
  private long checked;
  private long missing;
  private long rebuilt;
  private long deferred;
  private long converted;
  private long read;
  private long written;
  private long failed;
  private final List<PassReport.Failure> failures = new ArrayList<>();

  PassProgress(Instant started) {
    this.started = started;
  }

  synchronized void checked() {
    checked++;
  }

  synchronized void missing(int shards) {
    missing += shards;
  }

  synchronized void deferred() {
    deferred++;
  }

  synchronized void transferred(long bytesRead, long bytesWritten) {
    read += bytesRead;
    written += bytesWritten;
  }

  synchronized void done(Outcome outcome) {
    rebuilt += outcome.rebuilt();
    converted += outcome.converted() ? 1 : 0;
  }

  synchronized void failed(ContentHash hash, String reason) {
    failed++;
    if (failures.size() < MAX_FAILURES) {
      failures.add(new PassReport.Failure(hash.hex(), reason));
    }
  }

  synchronized PassReport report(Optional<Instant> finished, String result) {
    String outcome = failed > failures.size()
        ? result + " (" + failed + " failures, the first " + failures.size() + " listed)"
        : result;
    return new PassReport(started, finished, outcome, checked, missing, rebuilt, deferred,
        converted, read, written, failures);
  }
}
