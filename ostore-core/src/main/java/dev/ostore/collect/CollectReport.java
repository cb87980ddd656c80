package dev.ostore.collect;

import static java.util.Objects.requireNonNull;

import dev.ostore.Json;
import dev.ostore.pass.Failure;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one collection pass did, so far or in all: versions the retention rule removed, contents
 * looked at, collected (their shards held and their row forgotten; orphan shards, of content with
 * no row or kept inline, whose row stays, counted apart too) and revived by a write meanwhile,
 * shards, whole copies (content stored before erasure coding) and bytes moved to the holding areas,
 * shards and whole copies restored from them, and what failed (each failure kept its data). A dry
 * run counts what it would collect, hold and free, and changes nothing.
 */
public record CollectReport(Instant started, Optional<Instant> finished, String result,
    boolean dryRun, long versionsRemoved, long contentsChecked, long contentsCollected,
    long orphansCollected, long contentsRevived, long shardsHeld, long wholeCopiesHeld,
    long bytesHeld, long shardsRestored, long wholeCopiesRestored, List<Failure> failures) {

  public CollectReport {
    requireNonNull(started, "started");
    requireNonNull(finished, "finished");
    requireNonNull(result, "result");
    failures = List.copyOf(failures);
  }

  /** The report as a JSON object, on one line. */
  public String toJson() {
    return "{\"started\":" + Json.quote(started.toString())
        + ",\"finished\":" + finished.map(f -> Json.quote(f.toString())).orElse("null")
        + ",\"result\":" + Json.quote(result)
        + ",\"dryRun\":" + dryRun
        + ",\"versionsRemoved\":" + versionsRemoved
        + ",\"contentsChecked\":" + contentsChecked
        + ",\"contentsCollected\":" + contentsCollected
        + ",\"orphansCollected\":" + orphansCollected
        + ",\"contentsRevived\":" + contentsRevived
        + ",\"shardsHeld\":" + shardsHeld
        + ",\"wholeCopiesHeld\":" + wholeCopiesHeld
        + ",\"bytesHeld\":" + bytesHeld
        + ",\"shardsRestored\":" + shardsRestored
        + ",\"wholeCopiesRestored\":" + wholeCopiesRestored
        + ",\"failures\":" + Failure.toJson(failures) + "}";
  }
}
