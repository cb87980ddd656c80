package dev.ostore.repair;

import static java.util.Objects.requireNonNull;

import dev.ostore.Json;
import dev.ostore.pass.Failure;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one repair pass found and did, so far or in all: contents checked, shards found missing
 * and rebuilt, contents deferred (their missing shards may be on a server down for less than
 * {@code REPAIR_AFTER}) or converted from whole copies, bytes moved, and what failed.
 */
public record PassReport(Instant started, Optional<Instant> finished, String result,
    long contentsChecked, long shardsMissing, long shardsRebuilt, long contentsDeferred,
    long contentsConverted, long bytesRead, long bytesWritten, List<Failure> failures) {

  public PassReport {
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
        + ",\"contentsChecked\":" + contentsChecked
        + ",\"shardsMissing\":" + shardsMissing
        + ",\"shardsRebuilt\":" + shardsRebuilt
        + ",\"contentsDeferred\":" + contentsDeferred
        + ",\"contentsConverted\":" + contentsConverted
        + ",\"bytesRead\":" + bytesRead
        + ",\"bytesWritten\":" + bytesWritten
        + ",\"failures\":" + Failure.toJson(failures) + "}";
  }
}
