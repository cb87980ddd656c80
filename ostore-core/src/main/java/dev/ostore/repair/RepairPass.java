package dev.ostore.repair;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.locate.Locations;
import dev.ostore.metadata.ContentEntry;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.object.ContentRepair;
import dev.ostore.pass.Failure;
import dev.ostore.pass.ListingMerge;
import dev.ostore.pass.PassLease;
import dev.ostore.pass.Sightings;
import dev.ostore.pass.Throttle;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One walk over every content: the table of contents a page at a time, merged with the live data
 * servers' listings, rebuilding what lacks shards; then the contents stored whole, converted.
 * The lease is renewed as the walk goes; a lease lost (this server was too slow, another took
 * over) ends the pass, so that two never repair at once.
 */
final class RepairPass {
  static final String LEASE = "repair";

  private final MetadataStore metadata;
  private final DataServerClient client;
  private final ContentRepair repair;
  private final RepairSettings settings;
  private final InstantSource clock;
  private final Sightings sightings;
  private final String holder;
  private final PassProgress progress;
  private final Throttle throttle;
  private PassLease lease;

  RepairPass(MetadataStore metadata, DataServerClient client, ContentRepair repair,
      RepairSettings settings, InstantSource clock, Throttle.Pause pause, Sightings sightings,
      String holder, PassProgress progress) {
    this.metadata = metadata;
    this.client = client;
    this.repair = repair;
    this.settings = settings;
    this.clock = clock;
    this.sightings = sightings;
    this.holder = holder;
    this.progress = progress;
    this.throttle = new Throttle(settings.bytesPerSecond(), clock, pause);
  }

  /** Runs the pass under the lease; returns how it ended, for its report. */
  String run() throws IOException {
    Optional<PassLease> taken = PassLease.take(metadata, LEASE, holder, settings.leaseTerm(),
        clock);
    if (taken.isEmpty()) {
      return "skipped: another api server holds the repair lease";
    }
    lease = taken.get();
    try {
      rebuildMissing();
      convertWhole();
      return "completed";
    } finally {
      lease.release();
    }
  }

  private void rebuildMissing() throws IOException {
    Set<ServerAddress> live = sightings.look();
    ListingMerge merge = new ListingMerge(client, live, settings.pageSize());
    Optional<ContentHash> after = Optional.empty();
    List<ContentEntry> page;
    do {
      page = metadata.contents(after, settings.pageSize());
      int recentlyGone = sightings.recentlyGone(settings.after()).size();
      for (ContentEntry entry : page) {
        progress.checked();
        // Content kept in the metadata store has nothing on data servers to rebuild.
        if (!entry.layout().isInline()) {
          rebuildMissing(entry, merge.locate(entry.hash()), recentlyGone);
        }
        lease.renew();
      }
      after = page.isEmpty() ? after : Optional.of(page.get(page.size() - 1).hash());
    } while (page.size() == settings.pageSize());
  }

  private void rebuildMissing(ContentEntry entry, Locations locations, int recentlyGone)
      throws IOException {
    int missing = entry.layout().striping().totalShards() - locations.distinctShards();
    if (missing > 0) {
      progress.missing(missing);
      // Each shard of a content is on its own server: a server gone for less than REPAIR_AFTER
      // may hold one, and come back with it.
      if (missing <= recentlyGone) {
        progress.deferred();
      } else {
        repair(entry.hash(), () -> repair.rebuild(entry.hash(), entry.layout(), locations,
            this::pace));
      }
    }
  }

  private void convertWhole() throws IOException {
    Optional<ContentHash> after = Optional.empty();
    List<ContentHash> page;
    do {
      page = metadata.wholeContents(after, settings.pageSize());
      for (ContentHash hash : page) {
        progress.checked();
        repair(hash, () -> repair.convert(hash, this::pace));
        lease.renew();
      }
      // A converted content leaves this listing, so the next page starts after the last seen.
      after = page.isEmpty() ? after : Optional.of(page.get(page.size() - 1));
    } while (page.size() == settings.pageSize());
  }

  private interface Work {
    ContentRepair.Outcome run() throws IOException;
  }

  private void repair(ContentHash hash, Work work) {
    try {
      progress.done(work.run());
    } catch (IOException | RuntimeException e) {
      progress.failed(Failure.of(hash, Failure.reason(e)));
    }
  }

  private void pace(long read, long written) throws IOException {
    progress.transferred(read, written);
    throttle.spend(read + written);
  }
}
