package dev.ostore.repair;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.object.ContentRepair;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
  private final AtomicBoolean open = new AtomicBoolean(true);
  private final AtomicBoolean passing = new AtomicBoolean();
  private volatile Optional<PassProgress> running = Optional.empty();
  private volatile Optional<PassReport> last = Optional.empty();
  private ScheduledExecutorService thread;

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
    service.thread = Executors.newSingleThreadScheduledExecutor(
        new ThreadFactoryBuilder().setNameFormat("repair").setDaemon(true).build());
    long interval = settings.interval().toMillis();
    service.thread.scheduleWithFixedDelay(service::pass, interval, interval,
        TimeUnit.MILLISECONDS);
    service.thread.scheduleWithFixedDelay(service.sightings::look, 0, LOOK_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    return service;
  }

  /** Marks the pass running before it is queued, so that a status asked at once says so. */
  @Override
  public boolean startPass() {
    Optional<PassProgress> progress = begin();
    if (progress.isEmpty()) {
      return false;
    }
    try {
      thread.execute(() -> run(progress.get()));
      return true;
    } catch (RejectedExecutionException e) {
      running = Optional.empty();
      passing.set(false);
      return false; // closed
    }
  }

  @Override
  public RepairStatus status() {
    return new RepairStatus(running.map(p -> p.report(Optional.empty(), "running")), last);
  }

  /** Runs one pass on the calling thread, unless one is running; returns its report. */
  Optional<PassReport> pass() {
    return begin().map(this::run);
  }

  private Optional<PassProgress> begin() {
    if (!passing.compareAndSet(false, true)) {
      return Optional.empty();
    }
    PassProgress progress = new PassProgress(clock.instant());
    running = Optional.of(progress);
    return running;
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
    last = Optional.of(report);
    running = Optional.empty();
    passing.set(false);
    log.log(INFO, () -> "repair pass " + report.result() + ": " + report.contentsChecked()
        + " contents checked, " + report.shardsMissing() + " shards missing, "
        + report.shardsRebuilt() + " rebuilt, " + report.contentsConverted() + " converted, "
        + report.failures().size() + " failures");
    return report;
  }

  @Override
  public void close() {
    if (open.compareAndSet(true, false) && thread != null) {
      thread.shutdownNow();
    }
  }
}
