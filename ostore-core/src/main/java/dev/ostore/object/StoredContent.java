package dev.ostore.object;

import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.Precondition;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.erasure.Striping;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.Version;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The rule by which content is not stored twice, for every way of writing it (a PUT, a
 * resumable upload): whether content is stored already, readable and as redundant as a new
 * write would make it. Thread-safe.
 */
public final class StoredContent {
  private static final Logger log = System.getLogger(StoredContent.class.getName());

  private final MetadataStore metadata;
  private final Locator locator;
  private final DataServerClient client;
  private final Layouts layouts;
  private final RepairQueue repairs;

  /**
   * The longest a write may take from committing its shards, or finding its content stored, to
   * recording its version. A collection holds no shard written within its grace, and only
   * content that no version has referred to for as long, so with a grace of at least twice this
   * a version never refers to shards a collection took; a slower write is refused instead.
   */
  public static final Duration RECORD_WITHIN = Duration.ofMinutes(1);

  /** Contents in {@code metadata} and on the data servers, missing shards going to repairs. */
  public StoredContent(MetadataStore metadata, Locator locator, DataServerClient client,
      Layouts layouts, RepairQueue repairs) {
    this.metadata = metadata;
    this.locator = locator;
    this.client = client;
    this.layouts = layouts;
    this.repairs = repairs;
  }

  /**
   * Records {@code stored}, content just committed as shards, as the next version of {@code
   * name}, with its layout in the same transaction; shards that did not make it go to repair,
   * queued only now, since the repair reads the layout just recorded. {@code how} says which
   * write stored it, for the log; {@code committedSince} ({@link System#nanoTime}) is when the
   * commit of its shards began, which {@link #checkInTime} bounds. The version is recorded only
   * if {@code condition} holds then.
   */
  public Version record(ObjectName name, ShardedContents.Stored stored, long committedSince,
      String how, Precondition condition) throws IOException {
    checkInTime(committedSince, name, "its shards were committed");
    locator.rememberShards(stored.hash(), stored.locations());
    Version version = metadata.add(name.value(), stored.size(), stored.hash(),
        stored.layout().layout(), condition);
    restoreKept(stored);
    if (!stored.failed().isEmpty()) {
      log.log(WARNING, () -> "stored " + name + " (" + stored.hash() + ") without shards "
          + stored.failed() + "; repair puts them back");
      repairs.offer(stored.hash(), stored.failed().keySet(), how);
    }
    return version;
  }

  /**
   * Restores the shards the write found stored already: a collection may have held them after
   * the write found them and before its version referred to their content (as a dedup of
   * content that is no longer referenced does). Now that it does, no collection takes them
   * again, and a restore of a shard not held is a no. One that fails is left to the next
   * collection, which restores held shards of wanted content first.
   */
  private void restoreKept(ShardedContents.Stored stored) {
    stored.kept().shards().forEach((index, servers) -> servers.forEach(server -> {
      ShardId id = new ShardId(stored.hash(), index);
      try {
        client.restore(server, id);
      } catch (IOException | RuntimeException e) {
        log.log(WARNING, () -> "cannot restore " + id + " on " + server + " after a write kept"
            + " it; the next collection does: " + e.getMessage());
      }
    }));
  }

  /**
   * The size of content that some version refers to and that is still stored, readable and as
   * redundant as a new write would make it ({@code what} names it in the log). Content no version
   * refers to is not looked for, which spares every PUT of new content a broadcast that waits for
   * each data server's no: a version is recorded only after its content was committed, so such
   * content was at most committed by an api server that died before recording the version, and
   * storing it again costs space, not correctness. Known content is still located afresh, since
   * data servers may have lost shards since; storing it again then puts them back. Content stored
   * whole before erasure coding is stored again, as shards: so no new version ever refers to a
   * whole copy, and a whole copy that no version refers to can be collected without racing a
   * write. Without the broker content is stored again too: that costs space, while refusing the
   * write would cost the client its write. Content kept inline is stored wherever its row is.
   */
  public OptionalLong size(ContentHash hash, Object what) throws IOException {
    if (!metadata.references(hash)) {
      return OptionalLong.empty();
    }
    Optional<ContentLayout> layout = metadata.layout(hash);
    if (layout.isEmpty()) {
      return OptionalLong.empty();
    }
    if (layout.get().isInline()) {
      return OptionalLong.of(layout.get().size()); // recorded with its bytes, in one transaction
    }
    try {
      locator.forget(hash.hex());
      Striping striping = layout.get().striping();
      return locator.locateShards(hash).distinctShards() >= layouts.quorum(striping)
          ? OptionalLong.of(layout.get().size()) : OptionalLong.empty();
    } catch (OstoreException e) {
      if (e.code() != ErrorCode.BUS_UNAVAILABLE) {
        throw e;
      }
      log.log(WARNING, () -> "cannot ask where the content of " + what + " (" + hash
          + ") is stored, so it is stored again: " + e.getMessage());
      return OptionalLong.empty();
    }
  }

  /**
   * Refuses to record a version of {@code name} when more than {@link #RECORD_WITHIN} passed
   * since {@code since} ({@link System#nanoTime}), when {@code what} happened: a collection may
   * have taken the content meanwhile. Nothing is recorded; the client sends it again.
   */
  public static void checkInTime(long since, ObjectName name, String what)
      throws OstoreException {
    long took = System.nanoTime() - since;
    if (took > RECORD_WITHIN.toNanos()) {
      throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "not recording " + name + ": "
          + Duration.ofNanos(took).toSeconds() + " s passed since " + what + ", more than "
          + RECORD_WITHIN.toSeconds() + " s, and a collection may have taken its content since;"
          + " send it again");
    }
  }
}
