package dev.ostore.client.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The outcome of a bench run, printed one {@code key: value} per line so that scripts and
 * docs/benchmarks.md can quote it. Rates count successful operations only; 1 MB is 10^6 bytes.
 * The objects the run wrote, all named {@code prefix...}, were deleted (how many, once known)
 * or kept.
 */
record BenchResult(
    BenchOptions options, int warmupOperations, double warmupSeconds, int errors,
    double elapsedSeconds, LatencyStats latency, Optional<String> firstError, String prefix,
    OptionalInt deleted) {
  BenchResult {
    requireNonNull(options, "options");
    requireNonNull(latency, "latency");
    requireNonNull(firstError, "firstError");
    requireNonNull(prefix, "prefix");
    requireNonNull(deleted, "deleted");
    if (errors < 0 || errors > options.count()) {
      throw new IllegalArgumentException("errors (" + errors + ") must be from 0 to count");
    }
    if (!(elapsedSeconds > 0)) {
      throw new IllegalArgumentException("elapsed (" + elapsedSeconds + " s) must be positive");
    }
  }

  /** This result, once the objects the run wrote are deleted. */
  BenchResult withDeleted(int objects) {
    return new BenchResult(options, warmupOperations, warmupSeconds, errors, elapsedSeconds,
        latency, firstError, prefix, OptionalInt.of(objects));
  }

  int succeeded() {
    return options.count() - errors;
  }

  void print(PrintStream out) {
    out.println("op: " + options.op().label());
    out.println("size_bytes: " + options.size());
    out.println("concurrency: " + options.concurrency());
    out.println("warmup_operations: " + warmupOperations);
    out.println("warmup_s: " + decimal(warmupSeconds));
    out.println("operations: " + options.count());
    out.println("errors: " + errors);
    out.println("elapsed_s: " + decimal(elapsedSeconds));
    out.println("ops_per_s: " + decimal(succeeded() / elapsedSeconds));
    double bytes = succeeded() * (double) options.size();
    out.println("mb_per_s: " + decimal(bytes / elapsedSeconds / 1e6));
    out.println("latency_p50_ms: " + decimal(latency.p50Ms()));
    out.println("latency_p90_ms: " + decimal(latency.p90Ms()));
    out.println("latency_p99_ms: " + decimal(latency.p99Ms()));
    out.println("latency_max_ms: " + decimal(latency.maxMs()));
    if (deleted.isPresent()) {
      out.println("deleted_objects: " + deleted.getAsInt());
    } else {
      out.println("kept_objects: " + prefix + "*");
    }
    out.println("units: MB = 10^6 bytes; latencies of successful operations, in ms");
  }

  private static String decimal(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }
}
