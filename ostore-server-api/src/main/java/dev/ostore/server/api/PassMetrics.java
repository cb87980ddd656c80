package dev.ostore.server.api;

import dev.ostore.collect.CollectReport;
import dev.ostore.collect.CollectStatus;
import dev.ostore.collect.Collector;
import dev.ostore.metrics.Metrics;
import dev.ostore.repair.PassReport;
import dev.ostore.repair.RepairService;
import dev.ostore.repair.RepairStatus;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Repair's and collection's progress as gauges: whether a pass runs on this api server, and the
 * figures of that pass, or of the last one when none runs (0 before the first), read from their
 * status at each scrape.
 */
final class PassMetrics {
  private PassMetrics() {}

  static void register(Metrics metrics, RepairService repair, Collector collector) {
    Supplier<RepairStatus> repairs = repair::status;
    metrics.gauge("ostore_repair_running", "1 while a repair pass runs on this api server.",
        () -> repairs.get().running().isPresent() ? 1 : 0);
    repairGauge(metrics, repairs, "contents_checked", "Contents checked",
        PassReport::contentsChecked);
    repairGauge(metrics, repairs, "shards_rebuilt", "Shards rebuilt", PassReport::shardsRebuilt);
    repairGauge(metrics, repairs, "failures", "Contents that failed",
        report -> report.failures().size());
    Supplier<CollectStatus> collects = collector::status;
    metrics.gauge("ostore_collect_running",
        "1 while a collection pass runs on this api server.",
        () -> collects.get().running().isPresent() ? 1 : 0);
    collectGauge(metrics, collects, "versions_removed", "Versions removed by retention",
        CollectReport::versionsRemoved);
    collectGauge(metrics, collects, "contents_checked", "Contents checked",
        CollectReport::contentsChecked);
    collectGauge(metrics, collects, "contents_collected", "Contents collected",
        CollectReport::contentsCollected);
    collectGauge(metrics, collects, "bytes_held", "Bytes moved to holding areas",
        CollectReport::bytesHeld);
    collectGauge(metrics, collects, "failures", "Contents kept because of an error",
        report -> report.failures().size());
  }

  private static void repairGauge(Metrics metrics, Supplier<RepairStatus> status, String name,
      String what, ToLongFunction<PassReport> figure) {
    metrics.gauge("ostore_repair_pass_" + name, what + " by the repair pass running, else the"
        + " last one.", () -> {
          RepairStatus now = status.get();
          return value(now.running(), now.last(), figure);
        });
  }

  private static void collectGauge(Metrics metrics, Supplier<CollectStatus> status, String name,
      String what, ToLongFunction<CollectReport> figure) {
    metrics.gauge("ostore_collect_pass_" + name, what + " by the collection pass running, else"
        + " the last one.", () -> {
          CollectStatus now = status.get();
          return value(now.running(), now.last(), figure);
        });
  }

  private static <R> long value(Optional<R> running, Optional<R> last,
      ToLongFunction<R> figure) {
    return running.or(() -> last).map(figure::applyAsLong).orElse(0L);
  }
}
