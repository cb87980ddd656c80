package dev.ostore.object;

import dev.ostore.ContentHash;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locations;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.metadata.MetadataStore;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Puts back the redundancy of one content: shards that no live data server holds are rebuilt
 * from {@code k} others, stripe by stripe, and written to live servers holding no shard of it;
 * content stored whole before erasure coding is converted to shards. Memory is bounded by a few
 * stripes, whatever the content's size. Thread-safe.
 *
 * <pre>{@code
 * ContentRepair repair = ContentRepair.create(metadata, live, locator, client, layouts, pool);
 * ContentRepair.Outcome outcome = repair.repair(hash, Set.of(), ContentRepair.Pace.NONE);
 * }</pre>
 */
public interface ContentRepair {
  /**
   * Repairs over {@code client}'s data servers, writing to {@code live} ones; converted content
   * gets its layout from {@code layouts}; shard commits run on {@code executor}.
   */
  static ContentRepair create(MetadataStore metadata, LiveServers live, Locator locator,
      DataServerClient client, Layouts layouts, Executor executor) {
    Codes codes = new Codes();
    ShardRebuild rebuild = new ShardRebuild(live, locator, client, codes, executor);
    WholeConversion conversion = new WholeConversion(metadata, live, locator, client, layouts,
        codes, executor);
    return new ContentRepair() {
      @Override
      public Outcome repair(ContentHash hash, Set<Integer> only, Pace pace) throws IOException {
        var layout = metadata.layout(hash);
        if (layout.isEmpty()) {
          return conversion.convert(hash, pace);
        }
        if (layout.get().isInline()) {
          return Outcome.NOTHING; // kept in the metadata store, in no shard
        }
        locator.forget(hash.hex());
        return rebuild.rebuild(hash, layout.get(), locator.locateShards(hash), only, pace);
      }

      @Override
      public Outcome rebuild(ContentHash hash, ContentLayout layout, Locations locations,
          Pace pace) throws IOException {
        return rebuild.rebuild(hash, layout, locations, Set.of(), pace);
      }

      @Override
      public Outcome convert(ContentHash hash, Pace pace) throws IOException {
        return conversion.convert(hash, pace);
      }
    };
  }

  /**
   * Repairs {@code hash} where it is now: located afresh, its shards that no live server holds
   * are rebuilt (only those in {@code only}, unless empty); without a table-of-contents entry it
   * is converted; content kept inline needs nothing. {@code NO_DATA_SERVER} when fewer than
   * {@code k} shards, or no server to write to, are live; {@code DATA_SERVER_FAILED} when reads
   * or writes fail.
   */
  Outcome repair(ContentHash hash, Set<Integer> only, Pace pace) throws IOException;

  /** Rebuilds the shards of {@code hash} that {@code locations} lacks, as found by a listing. */
  Outcome rebuild(ContentHash hash, ContentLayout layout, Locations locations, Pace pace)
      throws IOException;

  /**
   * Converts content stored whole on one data server: read (its SHA-256 checked), encoded with
   * the current layouts, written in shards, then recorded in the table of contents. The whole
   * copy is left where it is, for garbage collection to take.
   */
  Outcome convert(ContentHash hash, Pace pace) throws IOException;

  /** What one repair did: shards found missing and rebuilt, bytes read and written. */
  record Outcome(int missing, int rebuilt, long bytesRead, long bytesWritten,
      boolean converted) {
    public static final Outcome NOTHING = new Outcome(0, 0, 0, 0, false);
  }

  /** Told of every stripe's bytes as they move, so that a caller can count and throttle them. */
  interface Pace {
    Pace NONE = (read, written) -> {};

    /** {@code read} bytes were read and {@code written} written; may wait before returning. */
    void transferred(long read, long written) throws IOException;
  }
}
