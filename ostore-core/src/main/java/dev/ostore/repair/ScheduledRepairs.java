package dev.ostore.repair;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.dataserver.DataServerClient;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.object.ContentRepair;
import dev.ostore.pass.PassRunner;
import dev.ostore.pass.Sightings;
import dev.ostore.pass.Throttle;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * {@link RepairService} on one scheduled thread: passes every interval and on demand, and
 * between them a look at the live servers every few seconds, so that when a server goes away
 * the service knows for how long.
 */
final class ScheduledRepairs implements RepairService {
  private static final Logger log = System.getLogger(ScheduledRepairs.class.getName());
  private static final Duration LOOK_EVERY = Duration.ofSeconds(5);

  private final MetadataStore metadata;
  private final DataServerClient client;
  private final ContentRepair repair;
  private final RepairSettings settings;
  private final InstantSource clock;
  private final Throttle.Pause pause;
  private final Sightings sightings;
  private final String holder;
  private final PassRunner<PassProgress, PassReport> runner = new PassRunner<>(this::run);

  ScheduledRepairs(MetadataStore metadata, LiveServers live, DataServerClient client,
      ContentRepair repair, RepairSettings settings, InstantSource clock, Throttle.Pause pause,
      String holder) {
    this.metadata = metadata;
    this.client = client;
    this.repair = repair;
    this.settings = settings;
    this.clock = clock;
    this.pause = pause;
    this.sightings = new Sightings(live, clock);
    this.holder = holder;
  }

  static ScheduledRepairs start(MetadataStore metadata, LiveServers live,
      DataServerClient client, ContentRepair repair, RepairSettings settings, InstantSource clock,
      Throttle.Pause pause, String holder) {
    ScheduledRepairs service = new ScheduledRepairs(metadata, live, client, repair, settings,
        clock, pause, holder);
    service.runner.start("repair", settings.interval(), service::progress);
    service.runner.every(LOOK_EVERY, service.sightings::look);
    return service;
  }

  @Override
  public boolean startPass() {
    return runner.startPass(this::progress);
  }

  @Override
  public RepairStatus status() {
    return new RepairStatus(runner.running().map(p -> p.report(Optional.empty(), "running")),
        runner.last());
  }

  /** Runs one pass on the calling thread, unless one is running; returns its report. */
  Optional<PassReport> pass() {
    return runner.runPass(this::progress);
  }

  private PassProgress progress() {
    return new PassProgress(clock.instant());
  }

  private PassReport run(PassProgress progress) {
    String result;
    try {
      result = new RepairPass(metadata, client, repair, settings, clock, pause, sightings,
          holder, progress).run();
    } catch (IOException | RuntimeException e) {
      result = "failed: " + e.getMessage();
      log.log(WARNING, "repair pass failed: " + e.getMessage());
    }
    PassReport report = progress.report(Optional.of(clock.instant()), result);
    log.log(INFO, () -> "repair pass " + report.result() + ": " + report.contentsChecked()
        + " contents checked, " + report.shardsMissing() + " shards missing, "
        + report.shardsRebuilt() + " rebuilt, " + report.contentsConverted() + " converted, "
        + report.failures().size() + " failures");
    return report;
  }

  @Override
  public void close() {
    runner.close();
  }
}
