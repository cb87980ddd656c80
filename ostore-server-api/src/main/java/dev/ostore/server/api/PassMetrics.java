package dev.ostore.server.api;

import dev.ostore.collect.CollectReport;
import dev.ostore.collect.CollectStatus;
import dev.ostore.collect.Collector;
import dev.ostore.metrics.Metrics;
import dev.ostore.repair.PassReport;
import dev.ostore.repair.RepairService;
import dev.ostore.repair.RepairStatus;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
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
    register(metrics, "repair", repair::status, RepairStatus::running, RepairStatus::last,
        Map.<String, ToLongFunction<PassReport>>of(
            "contents_checked", PassReport::contentsChecked,
            "shards_rebuilt", PassReport::shardsRebuilt,
            "failures", report -> report.failures().size()));
    register(metrics, "collect", collector::status, CollectStatus::running, CollectStatus::last,
        Map.<String, ToLongFunction<CollectReport>>of(
            "versions_removed", CollectReport::versionsRemoved,
            "contents_checked", CollectReport::contentsChecked,
            "contents_collected", CollectReport::contentsCollected,
            "bytes_held", CollectReport::bytesHeld,
            "failures", report -> report.failures().size()));
  }

  /**
   * {@code ostore_<pass>_running}, and {@code ostore_<pass>_pass_<figure>} for each figure, of
   * the status {@code status} gives: its {@code running} report, else its {@code last}.
   */
  private static <S, R> void register(Metrics metrics, String pass, Supplier<S> status,
      Function<S, Optional<R>> running, Function<S, Optional<R>> last,
      Map<String, ToLongFunction<R>> figures) {
    metrics.gauge("ostore_" + pass + "_running", "1 while a " + pass
        + " pass runs on this api server.",
        () -> running.apply(status.get()).isPresent() ? 1 : 0);
    figures.forEach((name, figure) -> metrics.gauge("ostore_" + pass + "_pass_" + name,
        name.replace('_', ' ') + " in the " + pass + " pass running, else in the last one.",
        () -> {
          S now = status.get();
          return running.apply(now).or(() -> last.apply(now)).map(figure::applyAsLong)
              .orElse(0L);
        }));
  }
}
