package dev.ostore.repair;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.locate.Locations;
import dev.ostore.metadata.ContentEntry;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.object.ContentRepair;
import java.io.IOException;
import java.time.Instant;
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
  private Instant leaseRenewed;

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
    if (!metadata.lease(LEASE, holder, clock.instant(), settings.leaseTerm())) {
      return "skipped: another api server holds the repair lease";
    }
    leaseRenewed = clock.instant();
    try {
      rebuildMissing();
      convertWhole();
      return "completed";
    } finally {
      metadata.release(LEASE, holder);
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
        Locations locations = merge.locate(entry.hash());
        int total = entry.layout().striping().totalShards();
        int missing = total - locations.distinctShards();
        if (missing > 0) {
          progress.missing(missing);
          // Each shard of a content is on its own server: a server gone for less than
          // REPAIR_AFTER may hold one, and come back with it.
          if (missing <= recentlyGone) {
            progress.deferred();
          } else {
            repair(entry.hash(), () -> repair.rebuild(entry.hash(), entry.layout(), locations,
                this::pace));
          }
        }
        renewLease();
      }
      after = page.isEmpty() ? after : Optional.of(page.get(page.size() - 1).hash());
    } while (page.size() == settings.pageSize());
  }

  private void convertWhole() throws IOException {
    Optional<ContentHash> after = Optional.empty();
    List<ContentHash> page;
    do {
      page = metadata.wholeContents(after, settings.pageSize());
      for (ContentHash hash : page) {
        progress.checked();
        repair(hash, () -> repair.convert(hash, this::pace));
        renewLease();
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
      progress.failed(hash, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private void pace(long read, long written) throws IOException {
    progress.transferred(read, written);
    throttle.spend(read + written);
  }

  /** Renews the lease once a third of its term has gone; fails the pass if it was lost. */
  private void renewLease() throws IOException {
    Instant now = clock.instant();
    if (now.isBefore(leaseRenewed.plus(settings.leaseTerm().dividedBy(3)))) {
      return;
    }
    if (!metadata.lease(LEASE, holder, now, settings.leaseTerm())) {
      throw new IOException("the repair lease was lost to another api server");
    }
    leaseRenewed = now;
  }
}
