package dev.ostore.repair;

import dev.ostore.object.ContentRepair.Outcome;
import dev.ostore.pass.Failure;
import dev.ostore.pass.Failures;
import java.time.Instant;
import java.util.Optional;

/**
 * The counters of a pass in progress: written by the pass, read by whoever asks for the status
 * meanwhile, hence synchronized.
 */
final class PassProgress {
  private final Instant started;
  private long checked;
  private long missing;
  private long rebuilt;
  private long deferred;
  private long converted;
  private long read;
  private long written;
  private final Failures failures = new Failures();

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

  void failed(Failure failure) {
    failures.add(failure);
  }

  synchronized PassReport report(Optional<Instant> finished, String result) {
    return new PassReport(started, finished, failures.result(result), checked, missing, rebuilt,
        deferred, converted, read, written, failures.kept());
  }
}
