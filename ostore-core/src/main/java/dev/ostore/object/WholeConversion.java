package dev.ostore.object;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.erasure.ErasureStreams;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.heartbeat.WriteTargets;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.object.ContentRepair.Outcome;
import dev.ostore.object.ContentRepair.Pace;
import dev.ostore.stream.GetStream;
import dev.ostore.stream.VerifiedCopy;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.stream.IntStream;

/**
 * Brings content stored whole on one data server (before erasure coding) to the current layout:
 * streams it through the encoder to new shards, and records its layout only once they are
 * committed, so that a reader finds either the whole copy or the shards, never half of them.
 * The whole copy stays where it is until a collection holds it ({@code CollectWhole}), which it
 * does once the content has its row.
 */
final class WholeConversion {
  private final MetadataStore metadata;
  private final LiveServers live;
  private final Locator locator;
  private final DataServerClient client;
  private final Layouts layouts;
  private final Codes codes;
  private final Executor executor;

  WholeConversion(MetadataStore metadata, LiveServers live, Locator locator,
      DataServerClient client, Layouts layouts, Codes codes, Executor executor) {
    this.metadata = metadata;
    this.live = live;
    this.locator = locator;
    this.client = client;
    this.layouts = layouts;
    this.codes = codes;
    this.executor = executor;
  }

  Outcome convert(ContentHash hash, Pace pace) throws IOException {
    String what = "content " + hash.hex();
    Optional<ServerAddress> holder = locator.locateAfresh(hash.hex());
    if (holder.isEmpty()) {
      throw new OstoreException(ErrorCode.NO_DATA_SERVER, "cannot convert " + what
          + ": no live data server holds it whole");
    }
    try (GetStream in = client.readWhole(holder.get(), hash)) {
      long size = in.length();
      Striping striping = layouts.of(size);
      List<ServerAddress> candidates = WriteTargets.atLeast(live, layouts.quorum(striping),
          () -> "converting " + what + " to " + striping);
      try (ShardWriters writers = ShardWriters.start(client, live, candidates, striping,
          IntStream.range(0, striping.totalShards()).boxed().toList(),
          layouts.quorum(striping), what, executor)) {
        double expansion = (double) striping.totalShards() / striping.dataShards();
        OutputStream encoder = ErasureStreams.encoder(codes.of(striping), striping, writers);
        OutputStream paced = new FilterOutputStream(encoder) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            pace.transferred(len, (long) (len * expansion));
          }
        };
        if (!VerifiedCopy.copy(in, paced, hash, size)) {
          throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "data server "
              + holder.get() + " sent bytes for " + what + " that do not match its SHA-256");
        }
        encoder.close();
        int stored = writers.finish(client, hash, size).distinctShards();
        metadata.recordLayout(hash, size, striping.toString());
        return new Outcome(striping.totalShards(), stored, size,
            striping.shardLength(size) * stored, true);
      }
    } finally {
      locator.forget(hash.hex());
    }
  }
}
