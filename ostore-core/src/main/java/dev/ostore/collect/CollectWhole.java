package dev.ostore.collect;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.DataServerClient.Hold;
import dev.ostore.dataserver.HeldWhole;
import dev.ostore.dataserver.ListedWhole;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.pass.Failure;
import dev.ostore.pass.PassLease;
import dev.ostore.pass.Sightings;
import dev.ostore.pass.Throttle;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * The part of a collection pass that takes content stored whole, as data servers stored it
 * before erasure coding. A whole copy written before the grace period is held when it is not
 * needed: its content is in the table of contents (converted to shards, or stored again as
 * shards, which readers then use), or no version refers to it. No write refers to a whole copy
 * any more ({@link dev.ostore.object.StoredContent#size}), so content no version refers to stays
 * so; a copy held that a version refers to after all (written by an api server of an earlier
 * release) is put back at once, and by the next pass's holding scan if that fails.
 */
final class CollectWhole {
  private final MetadataStore metadata;
  private final DataServerClient client;
  private final Sightings sightings;
  private final int pageSize;
  private final CollectProgress progress;
  private final Throttle throttle;

  CollectWhole(MetadataStore metadata, DataServerClient client, Sightings sightings,
      int pageSize, CollectProgress progress, Throttle throttle) {
    this.metadata = metadata;
    this.client = client;
    this.sightings = sightings;
    this.pageSize = pageSize;
    this.progress = progress;
    this.throttle = throttle;
  }

  /** Holds every whole copy not needed and written before {@code before}, on every live server. */
  void collect(PassLease lease, Instant before) throws IOException {
    for (ServerAddress server : sightings.look()) {
      ServerPages.walk(after -> client.listWhole(server, after, pageSize), ListedWhole::hash,
          pageSize, e -> progress.failed(new Failure(Optional.empty(), "whole copies on "
              + server + " not looked at: cannot list them: " + Failure.reason(e))),
          page -> {
            for (ListedWhole copy : page) {
              lease.renew();
              consider(server, copy, before);
            }
          });
    }
  }

  private void consider(ServerAddress server, ListedWhole copy, Instant before)
      throws IOException {
    progress.checked();
    if (!copy.written().isBefore(before) || needed(copy.hash())) {
      return;
    }
    throttle.spend(1);
    if (progress.dryRun()) {
      progress.wholeCopyHeld(copy.size());
      return;
    }
    Hold hold;
    try {
      hold = client.holdWhole(server, copy.hash(), before);
    } catch (IOException | RuntimeException e) {
      progress.failed(Failure.of(copy.hash(), "cannot hold the whole copy on " + server + ": "
          + Failure.reason(e)));
      return;
    }
    if (hold == Hold.HELD) {
      progress.wholeCopyHeld(copy.size());
      if (needed(copy.hash())) {
        restore(server, copy.hash());
      }
    }
  }

  /** Puts back every held whole copy that is needed, on every live server. */
  void restoreNeeded(PassLease lease) throws IOException {
    for (ServerAddress server : sightings.look()) {
      ServerPages.walk(after -> client.listHeldWhole(server, after, pageSize), HeldWhole::hash,
          pageSize, e -> progress.failed(new Failure(Optional.empty(), "cannot list the whole"
              + " copies held on " + server + ": " + Failure.reason(e))),
          page -> {
            lease.renew();
            for (HeldWhole held : page) {
              if (needed(held.hash())) {
                restore(server, held.hash());
              }
            }
          });
    }
  }

  /** Whether readers need the whole copy: a version refers to content not stored as shards. */
  private boolean needed(ContentHash hash) throws IOException {
    return metadata.layout(hash).isEmpty() && metadata.references(hash);
  }

  private void restore(ServerAddress server, ContentHash hash) {
    try {
      if (client.restoreWhole(server, hash)) {
        progress.wholeCopyRestored();
      }
    } catch (IOException | RuntimeException e) {
      progress.failed(Failure.of(hash, "cannot restore the whole copy on " + server + ": "
          + Failure.reason(e)));
    }
  }
}
