package dev.ostore.collect;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.DataServerClient.Hold;
import dev.ostore.dataserver.ListedShard;
import dev.ostore.metadata.ContentEntry;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.pass.Failure;
import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects a batch of contents at once, in three steps that each cost one request, however many
 * contents the batch holds: the metadata store condemns them all in one transaction, each data
 * server holds the batch's shards it lists in one request, and the store forgets them in one
 * transaction. A content stays safe content by content: one refused by the condemnation is left
 * alone; one with a shard written since the grace began, or revived before the forget, gets its
 * held shards back; one a data server failed on stays condemned, what was held held, for the next
 * pass. Orphan shards of content kept inline are only held: its row and bytes stay. Used by
 * {@link CollectPass}, which has already counted the contents as checked.
 */
final class CollectBatch {
  private final MetadataStore metadata;
  private final DataServerClient client;
  private final InstantSource clock;
  private final CollectProgress progress;
  private final ShardRestorer restorer;

  /** A content to collect, its shards as the live servers listed them. */
  record Candidate(ContentEntry entry, List<Placed> shards, boolean orphan) {
    ContentHash hash() {
      return entry.hash();
    }

    /**
     * Whether only the shards go: left from a write in shards of content now kept inline, which
     * versions may refer to, so it is neither condemned nor forgotten. No write records it in
     * shards while its row is inline, and its shards are never wanted ({@link
     * MetadataStore#wanted}).
     */
    boolean shardsOnly() {
      return orphan && entry.layout().isInline();
    }
  }

  /** A shard as a live server listed it. */
  record Placed(ServerAddress server, ListedShard shard) {
    long bytes() {
      return shard.striping().shardLength(shard.objectSize());
    }
  }

  /** Puts one held shard back; a failure is the restorer's to report. */
  interface ShardRestorer {
    void restore(ServerAddress server, ShardId id);
  }

  /** What became of one condemned content's shards. */
  private static final class Outcome {
    final Candidate candidate;
    final List<Placed> held = new ArrayList<>();
    boolean writtenSince;
    String failure;

    Outcome(Candidate candidate) {
      this.candidate = candidate;
    }
  }

  CollectBatch(MetadataStore metadata, DataServerClient client, InstantSource clock,
      CollectProgress progress, ShardRestorer restorer) {
    this.metadata = metadata;
    this.client = client;
    this.clock = clock;
    this.progress = progress;
    this.restorer = restorer;
  }

  /**
   * Collects {@code candidates} that no version has referred to, nor any write touched, since
   * {@code touchedBefore}; a shard written since then stays, and its content with it.
   */
  void collect(List<Candidate> candidates, Instant touchedBefore) throws IOException {
    if (candidates.isEmpty()) {
      return;
    }
    Instant at = clock.instant();
    Set<ContentHash> condemned = metadata.condemn(candidates.stream()
        .filter(candidate -> !candidate.shardsOnly()).map(Candidate::entry).toList(),
        touchedBefore, at);
    Map<ContentHash, Outcome> outcomes = new LinkedHashMap<>();
    for (Candidate candidate : candidates) {
      if (candidate.shardsOnly() || condemned.contains(candidate.hash())) {
        outcomes.put(candidate.hash(), new Outcome(candidate));
      } // else referenced or touched again since it was listed
    }
    holdAll(candidates, outcomes, touchedBefore);
    Map<ContentHash, Outcome> forgettable = new LinkedHashMap<>();
    outcomes.forEach((hash, outcome) -> {
      if (outcome.failure != null) {
        // What is held stays held and the content condemned, which the next pass goes on with.
        progress.failed(Failure.of(hash, "kept: " + outcome.failure));
      } else if (outcome.writtenSince) {
        // A write stored a shard of it lately: it may be reviving the content.
        revive(outcome);
      } else if (outcome.candidate.shardsOnly()) {
        progress.collected(true, outcome.held.size(), bytes(outcome.held));
      } else {
        forgettable.put(hash, outcome);
      }
    });
    Set<ContentHash> forgotten = metadata.forget(forgettable.keySet(), at);
    forgettable.forEach((hash, outcome) -> {
      if (forgotten.contains(hash)) {
        progress.collected(outcome.candidate.orphan(), outcome.held.size(), bytes(outcome.held));
      } else {
        revive(outcome); // a write revived it after the holds
      }
    });
  }

  /**
   * Holds the condemned contents' shards, one request per server. Not the condemnation's time
   * but the grace's start: a shard written since then belongs to a write that may be about to
   * record a version (its 201 is not restored, as a 200 is).
   */
  private void holdAll(List<Candidate> candidates, Map<ContentHash, Outcome> outcomes,
      Instant writtenBefore) {
    Map<ServerAddress, Map<ShardId, Placed>> byServer = new LinkedHashMap<>();
    for (Candidate candidate : candidates) {
      if (outcomes.containsKey(candidate.hash())) {
        candidate.shards().forEach(placed -> byServer
            .computeIfAbsent(placed.server(), server -> new LinkedHashMap<>())
            .put(placed.shard().id(), placed));
      }
    }
    byServer.forEach((server, shards) -> {
      Map<ShardId, Hold> answers;
      try {
        answers = client.hold(server, List.copyOf(shards.keySet()), writtenBefore);
      } catch (IOException | RuntimeException e) {
        String failure = "cannot hold its shards on " + server + ": " + Failure.reason(e);
        shards.keySet().forEach(id -> outcomes.get(id.hash()).failure = failure);
        return;
      }
      shards.forEach((id, placed) -> {
        Outcome outcome = outcomes.get(id.hash());
        switch (answers.get(id)) {
          case HELD -> outcome.held.add(placed);
          case ABSENT -> { } // gone since it was listed: nothing to hold
          case WRITTEN_SINCE -> outcome.writtenSince = true;
        }
      });
    });
  }

  private void revive(Outcome outcome) {
    outcome.held.forEach(placed -> restorer.restore(placed.server(), placed.shard().id()));
    progress.revived();
  }

  static long bytes(List<Placed> shards) {
    return shards.stream().mapToLong(Placed::bytes).sum();
  }
}
