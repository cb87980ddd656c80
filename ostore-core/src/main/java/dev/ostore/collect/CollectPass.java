package dev.ostore.collect;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.collect.CollectBatch.Candidate;
import dev.ostore.collect.CollectBatch.Placed;
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
 * wanted (an undo, or a pass that died half way), and held whole copies that are needed; applies
 * the retention rule; collects the contents no version has referred to for the grace period, then
 * the orphan shards (listed by a data server, written before the grace period, with no row in the
 * table of contents or a row that keeps the content inline), then the whole copies of content
 * stored before erasure coding that readers no longer need ({@link CollectWhole}); and restores
 * what is wanted once more. Contents are collected in batches ({@link CollectBatch}): condemned
 * in the metadata store, their shards held on the live servers listing them, their rows
 * forgotten; a write that revived one meanwhile makes its forget fail and its shards go back.
 * Errors of a data server keep the content (condemned, what was held held, for the next pass);
 * an error of the metadata store ends the pass. A dry run counts and changes nothing.
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
  private final CollectBatch batch;
  private final CollectWhole whole;
  private final List<Candidate> candidates = new ArrayList<>();
  private PassLease lease;

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
    this.batch = new CollectBatch(metadata, client, clock, progress, this::restore);
    this.whole = new CollectWhole(metadata, client, sightings, settings.pageSize(), progress,
        throttle);
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
        whole.restoreNeeded(lease);
        if (settings.retains()) {
          applyRetention();
        }
      }
      Instant before = clock.instant().minus(settings.grace());
      collectUnreferenced(before);
      collectOrphans(before);
      whole.collect(lease, before);
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
      ServerPages.walk(after -> client.listHeld(server, after, settings.pageSize()),
          HeldShard::id, settings.pageSize(),
          e -> progress.failed(new Failure(Optional.empty(), "cannot list the holding area of "
              + server + ": " + Failure.reason(e))),
          page -> {
            lease.renew();
            Set<ContentHash> wanted =
                metadata.wanted(page.stream().map(held -> held.id().hash()).toList());
            for (HeldShard held : page) {
              if (wanted.contains(held.id().hash())) {
                restore(server, held.id());
              }
            }
          });
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
        consider(entry, listed, before, false);
      }
      after = page.isEmpty() ? after : Optional.of(page.get(page.size() - 1).hash());
    } while (page.size() == settings.pageSize());
    flush(before);
  }

  /**
   * Walks every shard listing, beside the table of contents, for contents without a row, or kept
   * inline, whose every listed shard was written before {@code before}: shards of a write that
   * never recorded its version, or that outlived their content on a server down while it was
   * collected. Content kept inline never reads its shards, and its row stays.
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
          break;
        }
        hash = next.get();
        listed = merge.listed(hash);
      } catch (IOException | RuntimeException e) {
        progress.failed(new Failure(Optional.empty(),
            "orphan shards not looked for: a shard listing could not be read: "
                + Failure.reason(e)));
        break;
      }
      boolean old = listed.values().stream().flatMap(List::stream)
          .allMatch(shard -> shard.written().isBefore(before));
      if (!old) {
        continue;
      }
      Optional<ContentEntry> row = contents.row(hash);
      if (row.isEmpty() || row.get().layout().isInline()) {
        ListedShard any = listed.values().iterator().next().get(0);
        consider(row.orElseGet(() -> new ContentEntry(hash, new ContentLayout(any.objectSize(),
            any.striping().toString()))), listed, before, true);
      }
    }
    flush(before);
  }

  /**
   * Checks one content whose shards the live servers list as {@code listed}, and adds it to the
   * batch to collect, which goes once it is a second's worth at the throttle's rate.
   */
  private void consider(ContentEntry entry, Map<ServerAddress, List<ListedShard>> listed,
      Instant touchedBefore, boolean orphan) throws IOException {
    progress.checked();
    lease.renew();
    List<Placed> shards = listed.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(shard -> new Placed(e.getKey(), shard)))
        .toList();
    Set<Integer> found = shards.stream().map(p -> p.shard().id().index())
        .collect(Collectors.toSet());
    // Content kept inline has no shards to wait for (any listed are left from an earlier write).
    int total = entry.layout().isInline() ? 0 : entry.layout().striping().totalShards();
    Set<ServerAddress> gone = found.size() < total ? sightings.gone() : Set.of();
    if (!gone.isEmpty()) {
      // Shards not found may be on a server that comes back: collected once it has, or, if it
      // never does, left alone (its shards, once repaired elsewhere, are found).
      progress.failed(Failure.of(entry.hash(), "kept: shards not found on live data servers "
          + "may be on " + gone.stream().map(ServerAddress::toString).sorted().toList()));
      return;
    }
    if (progress.dryRun()) {
      throttle.spend(1);
      progress.collected(orphan, shards.size(), CollectBatch.bytes(shards));
      return;
    }
    candidates.add(new Candidate(entry, shards, orphan));
    if (candidates.size() >= batchSize()) {
      flush(touchedBefore);
    }
  }

  /** Collects the contents gathered so far, once the throttle allows them. */
  private void flush(Instant touchedBefore) throws IOException {
    if (candidates.isEmpty()) {
      return;
    }
    throttle.spend(candidates.size());
    lease.renew();
    batch.collect(List.copyOf(candidates), touchedBefore);
    candidates.clear();
  }

  /**
   * A second's worth of contents at the throttle's rate, at most a page: a batch's requests then
   * cost the data servers and the metadata store the same at any rate, and a pass at the default
   * rate holds each server's shards once a second.
   */
  private int batchSize() {
    long rate = settings.contentsPerSecond();
    return (int) (rate == 0 ? settings.pageSize() : Math.min(settings.pageSize(), rate));
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

  /** The table of contents, a page at a time, asked about in ascending hash order. */
  private final class Contents {
    private final Deque<ContentEntry> page = new ArrayDeque<>();
    private Optional<ContentHash> after = Optional.empty();
    private boolean over;

    Optional<ContentEntry> row(ContentHash hash) throws IOException {
      while (true) {
        if (page.isEmpty()) {
          if (over) {
            return Optional.empty();
          }
          List<ContentEntry> more = metadata.contents(after, settings.pageSize());
          page.addAll(more);
          over = more.size() < settings.pageSize();
          after = more.isEmpty() ? after : Optional.of(more.get(more.size() - 1).hash());
          continue;
        }
        int order = page.peek().hash().hex().compareTo(hash.hex());
        if (order >= 0) {
          return order == 0 ? Optional.of(page.peek()) : Optional.empty();
        }
        page.poll();
      }
    }
  }
}
