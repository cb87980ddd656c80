package dev.ostore.collect;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.dataserver.DataServerClient;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.pass.PassRunner;
import dev.ostore.pass.Sightings;
import dev.ostore.pass.Throttle;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * {@link Collector} on one scheduled thread: passes every interval and on demand, and between
 * them a look at the live servers every few seconds, so that a pass knows which servers went
 * away (they may hold shards of what it collects).
 */
final class ScheduledCollector implements Collector {
  private static final Logger log = System.getLogger(ScheduledCollector.class.getName());
  private static final Duration LOOK_EVERY = Duration.ofSeconds(5);

  private final MetadataStore metadata;
  private final DataServerClient client;
  private final CollectSettings settings;
  private final InstantSource clock;
  private final Throttle.Pause pause;
  private final Sightings sightings;
  private final String holder;
  private final PassRunner<CollectProgress, CollectReport> runner = new PassRunner<>(this::run);

  ScheduledCollector(MetadataStore metadata, LiveServers live, DataServerClient client,
      CollectSettings settings, InstantSource clock, Throttle.Pause pause, String holder) {
    this.metadata = metadata;
    this.client = client;
    this.settings = settings;
    this.clock = clock;
    this.pause = pause;
    this.sightings = new Sightings(live, clock);
    this.holder = holder;
  }

  static ScheduledCollector start(MetadataStore metadata, LiveServers live,
      DataServerClient client, CollectSettings settings, InstantSource clock,
      Throttle.Pause pause, String holder) {
    ScheduledCollector collector = new ScheduledCollector(metadata, live, client, settings,
        clock, pause, holder);
    collector.runner.start("collect", settings.interval(), () -> collector.progress(false));
    collector.runner.every(LOOK_EVERY, collector.sightings::look);
    return collector;
  }

  @Override
  public boolean startPass(boolean dryRun) {
    return runner.startPass(() -> progress(dryRun));
  }

  @Override
  public CollectStatus status() {
    return new CollectStatus(runner.running().map(p -> p.report(Optional.empty(), "running")),
        runner.last());
  }

  /** Runs one pass on the calling thread, unless one is running; returns its report. */
  Optional<CollectReport> pass(boolean dryRun) {
    return runner.runPass(() -> progress(dryRun));
  }

  private CollectProgress progress(boolean dryRun) {
    return new CollectProgress(clock.instant(), dryRun);
  }

  private CollectReport run(CollectProgress progress) {
    String result;
    try {
      result = new CollectPass(metadata, client, settings, clock, pause, sightings, holder,
          progress).run();
    } catch (IOException | RuntimeException e) {
      result = "failed: " + e.getMessage();
      log.log(WARNING, "collect pass failed: " + e.getMessage());
    }
    CollectReport report = progress.report(Optional.of(clock.instant()), result);
    log.log(INFO, () -> (report.dryRun() ? "collect dry run " : "collect pass ")
        + report.result() + ": " + report.versionsRemoved() + " versions removed, "
        + report.contentsCollected() + " contents collected (" + report.orphansCollected()
        + " orphans), " + report.shardsHeld() + " shards and " + report.wholeCopiesHeld()
        + " whole copies held (" + report.bytesHeld() + " bytes), " + report.contentsRevived()
        + " revived, " + report.shardsRestored() + " shards and "
        + report.wholeCopiesRestored() + " whole copies restored, " + report.failures().size()
        + " failures");
    return report;
  }

  @Override
  public void close() {
    runner.close();
  }
}
