package dev.ostore.collect;

import dev.ostore.dataserver.DataServerClient;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.pass.Throttle;
import java.time.InstantSource;

/**
 * The garbage collection of an api server: every {@link CollectSettings#interval} and on demand,
 * a pass applies the retention rule, then moves the shards of content no version refers to any
 * more (and of shards no recorded write owns) to the data servers' holding areas, one pass at a
 * time in the whole cluster (a lease in the metadata store), throttled. Nothing is deleted
 * outright: content is condemned in the metadata store first, a write reviving it wins, and what
 * is held can be restored until the data servers' hold period ends. Runs on a thread of its own;
 * closing stops it, cutting a pass short. Idempotent.
 *
 * <pre>{@code
 * try (Collector collector = Collector.start(metadata, live, client, settings,
 *     InstantSource.system(), "api-1")) {
 *   collector.startPass(true); // a dry run: says what a pass would free
 *   CollectStatus status = collector.status();
 * }
 * }</pre>
 */
public interface Collector extends AutoCloseable {
  /**
   * Starts the collector; {@code holder} names this api server in the lease (unique in the
   * cluster). The first pass runs one interval from now.
   */
  static Collector start(MetadataStore metadata, LiveServers live, DataServerClient client,
      CollectSettings settings, InstantSource clock, String holder) {
    return ScheduledCollector.start(metadata, live, client, settings, clock, Throttle.Pause.SLEEP,
        holder);
  }

  /**
   * Starts a pass now unless one is running; returns whether it started one. A dry run counts
   * what the pass would free and moves nothing.
   */
  boolean startPass(boolean dryRun);

  /** The pass running, if any, and the last one that ended. */
  CollectStatus status();

  @Override
  void close();
}
