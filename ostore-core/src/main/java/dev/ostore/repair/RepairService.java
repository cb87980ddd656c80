package dev.ostore.repair;

import dev.ostore.dataserver.DataServerClient;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.object.ContentRepair;
import dev.ostore.pass.Throttle;
import java.time.InstantSource;

/**
 * The background repair of an api server: every {@link RepairSettings#interval} and on demand,
 * a pass walks every content and puts back what lacks redundancy, one pass at a time in the
 * whole cluster (a lease in the metadata store), throttled. Runs on a thread of its own; closing
 * stops it, cutting a pass short. Idempotent.
 *
 * <pre>{@code
 * try (RepairService repairs = RepairService.start(metadata, live, client, repair, settings,
 *     InstantSource.system(), "api-1")) {
 *   repairs.startPass();
 *   RepairStatus status = repairs.status();
 * }
 * }</pre>
 */
public interface RepairService extends AutoCloseable {
  /**
   * Starts the service; {@code holder} names this api server in the lease (unique in the
   * cluster). The first pass runs one interval from now.
   */
  static RepairService start(MetadataStore metadata, LiveServers live, DataServerClient client,
      ContentRepair repair, RepairSettings settings, InstantSource clock, String holder) {
    return ScheduledRepairs.start(metadata, live, client, repair, settings, clock,
        Throttle.Pause.SLEEP, holder);
  }

  /** Starts a pass now unless one is running; returns whether it started one. */
  boolean startPass();

  /** The pass running, if any, and the last one that ended. */
  RepairStatus status();

  @Override
  void close();
}
