package dev.ostore.collect;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.HeldShard;
import dev.ostore.dataserver.ListedShard;
import dev.ostore.metadata.ContentEntry;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.Retention;
import dev.ostore.pass.Failure;
import dev.ostore.pass.ListingMerge;
import dev.ostore.pass.PassLease;
import dev.ostore.pass.Sightings;
import dev.ostore.pass.Throttle;
import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One collection pass, under the lease {@value #LEASE}: restores held shards whose content is
 * wanted (an undo, or a pass that died half way), applies the retention rule, collects the
 * contents no version has referred to for the grace period, then the orphan shards (listed by a
 * data server, written before the grace period, with no row in the table of contents), and
 * restores what is wanted once more. Collecting a content: condemn it in the metadata store, hold
 * each of its shards on the live servers listing it, forget its row; a write that revived it
 * meanwhile makes the forget fail and the shards go back. Errors of a data server keep the
 * content (condemned, what was held held, for the next pass); an error of the metadata store
 * ends the pass. A dry run counts and changes nothing.
 */
final class CollectPass {
  static final String LEASE = "collect";

  private final MetadataStore metadata;
  private final DataServerClient client;
  private final CollectSettings settings;
  private final InstantSource clock;
  private final Sightings sightings;
  private final String holder;
  private final CollectProgress progress;
  private final Throttle throttle;
  private PassLease lease;

  /** A shard as a live server listed it. */
  private record Placed(ServerAddress server, ListedShard shard) {
    long bytes() {
      return shard.striping().shardLength(shard.objectSize());
    }
  }

  CollectPass(MetadataStore metadata, DataServerClient client, CollectSettings settings,
      InstantSource clock, Throttle.Pause pause, Sightings sightings, String holder,
      CollectProgress progress) {
    this.metadata = metadata;
    this.client = client;
    this.settings = settings;
    this.clock = clock;
    this.sightings = sightings;
    this.holder = holder;
    this.progress = progress;
    this.throttle = new Throttle(settings.contentsPerSecond(), clock, pause);
  }

  /** Runs the pass under the lease; returns how it ended, for its report. */
  String run() throws IOException {
    Optional<PassLease> taken = PassLease.take(metadata, LEASE, holder, settings.leaseTerm(),
        clock);
    if (taken.isEmpty()) {
      return "skipped: another api server holds the collect lease";
    }
    lease = taken.get();
    try {
      if (!progress.dryRun()) {
        restoreWanted();
        if (settings.retains()) {
          applyRetention();
        }
      }
      Instant before = clock.instant().minus(settings.grace());
      collectUnreferenced(before);
      collectOrphans(before);
      if (!progress.dryRun()) {
        // A write that found a shard held before it recorded its version restores it itself;
        // this catches the rest (a restore that failed, a pass that ended half way).
        restoreWanted();
      }
      return "completed";
    } finally {
      lease.release();
    }
  }

  /** Puts back every held shard of content that is wanted, on every live server. */
  private void restoreWanted() throws IOException {
    for (ServerAddress server : sightings.look()) {
      Optional<ShardId> after = Optional.empty();
      List<HeldShard> page;
      do {
        try {
          page = client.listHeld(server, after, settings.pageSize());
        } catch (IOException | RuntimeException e) {
          progress.failed(new Failure(Optional.empty(), "cannot list the holding area of "
              + server + ": " + Failure.reason(e)));
          break;
        }
        for (HeldShard held : page) {
          lease.renew();
          if (metadata.wanted(held.id().hash())) {
            restore(server, held.id());
          }
        }
        after = page.isEmpty() ? after : Optional.of(page.get(page.size() - 1).id());
      } while (page.size() == settings.pageSize());
    }
  }

  private void applyRetention() throws IOException {
    Optional<Instant> createdBefore = settings.maxAge().map(clock.instant()::minus);
    Optional<String> after = Optional.empty();
    do {
      Retention page = metadata.applyRetention(settings.keepVersions(), createdBefore, after,
          settings.pageSize());
      progress.versionsRemoved(page.removed());
      lease.renew();
      after = page.last();
    } while (after.isPresent());
  }

  private void collectUnreferenced(Instant before) throws IOException {
    ListingMerge merge = new ListingMerge(client, sightings.look(), settings.pageSize());
    Optional<ContentHash> after = Optional.empty();
    List<ContentEntry> page;
    do {
      page = metadata.unreferenced(before, after, settings.pageSize());
      for (ContentEntry entry : page) {
        Map<ServerAddress, List<ListedShard>> listed;
        try {
          listed = merge.listed(entry.hash());
        } catch (IOException | RuntimeException e) {
          progress.checked();
          progress.failed(Failure.of(entry.hash(), "cannot read a shard listing: "
              + Failure.reason(e)));
          continue;
        }
        collect(entry.hash(), entry.layout(), listed, before, false);
      }
      after = page.isEmpty() ? after : Optional.of(page.get(page.size() - 1).hash());
    } while (page.size() == settings.pageSize());
  }

  /**
   * Walks every shard listing, beside the table of contents, for contents without a row whose
   * every listed shard was written before {@code before}: shards of a write that never recorded
   * its version, or that outlived their content on a server down while it was collected.
   */
  private void collectOrphans(Instant before) throws IOException {
    ListingMerge merge = new ListingMerge(client, sightings.look(), settings.pageSize());
    Contents contents = new Contents();
    while (true) {
      ContentHash hash;
      Map<ServerAddress, List<ListedShard>> listed;
      try {
        Optional<ContentHash> next = merge.next();
        if (next.isEmpty()) {
          return;
        }
        hash = next.get();
        listed = merge.listed(hash);
      } catch (IOException | RuntimeException e) {
        progress.failed(new Failure(Optional.empty(),
            "orphan shards not looked for: a shard listing could not be read: "
                + Failure.reason(e)));
        return;
      }
      boolean old = listed.values().stream().flatMap(List::stream)
          .allMatch(shard -> shard.written().isBefore(before));
      if (old && !contents.has(hash)) {
        ListedShard any = listed.values().iterator().next().get(0);
        collect(hash, new ContentLayout(any.objectSize(), any.striping().toString()), listed,
            before, true);
      }
    }
  }

  /** Collects one content whose shards the live servers list as {@code listed}. */
  private void collect(ContentHash hash, ContentLayout layout,
      Map<ServerAddress, List<ListedShard>> listed, Instant touchedBefore, boolean orphan)
      throws IOException {
    progress.checked();
    throttle.spend(1);
    lease.renew();
    List<Placed> shards = listed.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(shard -> new Placed(e.getKey(), shard)))
        .toList();
    Set<Integer> found = shards.stream().map(p -> p.shard.id().index())
        .collect(Collectors.toSet());
    Set<ServerAddress> gone = found.size() < layout.striping().totalShards()
        ? sightings.gone() : Set.of();
    if (!gone.isEmpty()) {
      // Shards not found may be on a server that comes back: collected once it has, or, if it
      // never does, left alone (its shards, once repaired elsewhere, are found).
      progress.failed(Failure.of(hash, "kept: shards not found on live data servers may be on "
          + gone.stream().map(ServerAddress::toString).sorted().toList()));
      return;
    }
    if (progress.dryRun()) {
      progress.collected(orphan, shards.size(), bytes(shards));
      return;
    }
    Instant at = clock.instant();
    if (!metadata.condemn(hash, layout, touchedBefore, at)) {
      return; // referenced or touched again since it was listed
    }
    List<Placed> held = new ArrayList<>();
    try {
      // Not the condemnation's time but the grace's start: a shard written since then belongs to
      // a write that may be about to record a version (its 201 is not restored, as a 200 is).
      if (!holdAll(shards, touchedBefore, held)) {
        // A write stored a shard of it lately: it may be reviving the content.
        restoreAll(held);
        progress.revived();
        return;
      }
    } catch (IOException | RuntimeException e) {
      // What is held stays held and the content condemned, which the next pass goes on with.
      progress.failed(Failure.of(hash, "kept: " + Failure.reason(e)));
      return;
    }
    if (metadata.forget(hash, at)) {
      progress.collected(orphan, held.size(), bytes(held));
    } else {
      restoreAll(held); // a write revived it after the holds
      progress.revived();
    }
  }

  /** Holds every shard, into {@code held}; false when one was written since {@code before}. */
  private boolean holdAll(List<Placed> shards, Instant before, List<Placed> held)
      throws IOException {
    for (Placed placed : shards) {
      DataServerClient.Hold answer;
      try {
        answer = client.hold(placed.server, List.of(placed.shard.id()), before)
            .get(placed.shard.id());
      } catch (IOException | RuntimeException e) {
        throw new IOException("cannot hold " + placed.shard.id() + " on " + placed.server + ": "
            + Failure.reason(e), e);
      }
      switch (answer) {
        case HELD -> held.add(placed);
        case ABSENT -> { } // gone since it was listed: nothing to hold
        case WRITTEN_SINCE -> {
          return false;
        }
      }
    }
    return true;
  }

  private void restoreAll(List<Placed> held) {
    held.forEach(placed -> restore(placed.server, placed.shard.id()));
  }

  /** Restores {@code id} on {@code server}; a failure is left to the next holding scan. */
  private void restore(ServerAddress server, ShardId id) {
    try {
      if (client.restore(server, id)) {
        progress.restored();
      }
    } catch (IOException | RuntimeException e) {
      progress.failed(Failure.of(id.hash(), "cannot restore " + id + " on " + server + ": "
          + Failure.reason(e)));
    }
  }

  private static long bytes(List<Placed> shards) {
    return shards.stream().mapToLong(Placed::bytes).sum();
  }

  /** The table of contents, a page at a time, asked about in ascending hash order. */
  private final class Contents {
    private final Deque<ContentHash> page = new ArrayDeque<>();
    private Optional<ContentHash> after = Optional.empty();
    private boolean over;

    boolean has(ContentHash hash) throws IOException {
      while (true) {
        if (page.isEmpty()) {
          if (over) {
            return false;
          }
          List<ContentEntry> more = metadata.contents(after, settings.pageSize());
          more.forEach(entry -> page.add(entry.hash()));
          over = more.size() < settings.pageSize();
          after = more.isEmpty() ? after : Optional.of(more.get(more.size() - 1).hash());
          continue;
        }
        int order = page.peek().hex().compareTo(hash.hex());
        if (order >= 0) {
          return order == 0;
        }
        page.poll();
      }
    }
  }
}
