package dev.ostore.object;

import dev.ostore.ByteRange;
import dev.ostore.ContentHash;
import dev.ostore.compress.CompressedForm;
import dev.ostore.compress.Compression;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locations;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.metadata.InlineContent;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;

/**
 * Content as an api server keeps it on the data servers: cut into stripes, each stripe
 * Reed-Solomon coded into shards that go to distinct servers (see {@link Layouts}), written and
 * read as streams in memory bounded by a few stripes. Thread-safe; each upload or read is used
 * by one thread.
 *
 * <pre>{@code
 * try (ShardedContents.Upload upload = contents.start(OptionalLong.of(size), name)) {
 *   body.transferTo(upload.body());
 *   upload.seal(Optional.empty());
 *   Stored stored = upload.commit();
 * }
 * }</pre>
 */
public interface ShardedContents {
  /**
   * Contents over {@code client}'s data servers: writes go to {@code live} ones as {@code
   * layouts} says, reads find shards with {@code locator}; shard commits and shard reads run on
   * {@code executor}, and a shard that lags {@code hedgeAfter} behind gets a parity shard read
   * beside it. Shards a read finds missing or damaged go to {@code repairs}. Each upload past
   * the small-object limit and each read takes a slot of {@code transfers} until closed.
   */
  static ShardedContents create(LiveServers live, Locator locator, DataServerClient client,
      Layouts layouts, Executor executor, Duration hedgeAfter, RepairQueue repairs,
      TransferLimit transfers) {
    Codes codes = new Codes();
    ContentWriter writer = new ContentWriter(live, client, layouts, codes, executor, transfers);
    ContentReader reader = new ContentReader(locator, client, codes, executor, hedgeAfter,
        repairs, transfers);
    CompressedContents compressed = new CompressedContents(reader);
    return new ShardedContents() {
      @Override
      public Upload start(OptionalLong length, Object what, Compression compression)
          throws IOException {
        return writer.start(length, what, compression);
      }

      @Override
      public ObjectStore.Content open(ContentHash hash, ContentLayout layout, Object what,
          ByteRange range) throws IOException {
        return compressed.open(hash, layout, what, range);
      }

      @Override
      public Optional<ObjectStore.Content> openGzip(ContentHash hash, ContentLayout layout,
          Object what) throws IOException {
        return compressed.openGzip(hash, layout, what);
      }
    };
  }

  /**
   * Starts storing content of {@code length} bytes, if known ({@code what} names it in errors
   * and logs), as it comes. Too few live data servers for the layout is {@code NO_DATA_SERVER}:
   * at once when the length is known, else once the small-object limit is passed or the body
   * ends. No slot for another transfer within the wait is {@code BUSY}, at the same points.
   */
  default Upload start(OptionalLong length, Object what) throws IOException {
    return start(length, what, Compression.OFF);
  }

  /**
   * As {@link #start(OptionalLong, Object)}, compressed as {@code compression} says when its
   * first stripe shows that worth it: see {@link Stored#layout}.
   */
  Upload start(OptionalLong length, Object what, Compression compression) throws IOException;

  /**
   * Opens stored content, laid out as {@code layout} says, for reading its bytes in {@code
   * range} (of its bytes as they came, decoded if stored compressed): {@code NO_DATA_SERVER}
   * when fewer than {@code k} of its shards are on live servers (or of those holding the range,
   * when they are fewer), {@code DATA_SERVER_FAILED} when they cannot be read, {@code BUSY}
   * when no slot for another transfer came free within the wait.
   */
  ObjectStore.Content open(ContentHash hash, ContentLayout layout, Object what, ByteRange range)
      throws IOException;

  /**
   * Opens content stored compressed for reading it as one gzip member of its stored blocks,
   * whose {@code size} is that of the member; empty when the content is stored as it came.
   */
  Optional<ObjectStore.Content> openGzip(ContentHash hash, ContentLayout layout, Object what)
      throws IOException;

  /**
   * Content on its way in: its bytes, then {@link #seal} once they all came, then {@link
   * #commit}; closing it before the commit keeps nothing, so content found stored already once
   * its hash is known costs no shard.
   */
  interface Upload extends AutoCloseable {
    /** Where the content's bytes go. */
    OutputStream body();

    /**
     * Ends the content and returns its hash; a {@code declared} hash that differs is a {@code
     * BAD_REQUEST}.
     */
    ContentHash seal(Optional<ContentHash> declared) throws IOException;

    /**
     * The sealed content as the metadata store keeps it, when the layouts keep content of its
     * size inline ({@link Layouts#inline}); then no shard was written, and none is unless
     * {@link #commit} is called.
     */
    Optional<InlineContent> inline();

    /**
     * Commits the sealed content: at least the layout's quorum of shards durable, or {@code
     * DATA_SERVER_FAILED} ({@code BUSY} when the servers that failed were all busy) and nothing
     * kept.
     */
    Stored commit() throws IOException;

    @Override
    void close();
  }

  /**
   * Content stored: hash, size and layout, where its shards went and which of them were there
   * already ({@code kept}), which failed and why, and how it was compressed, if it was.
   */
  record Stored(ContentHash hash, long size, Striping striping, Locations locations,
      Locations kept, Map<Integer, String> failed, Optional<CompressedForm> compressed) {
    /** Its entry in the table of contents. */
    public ContentLayout layout() {
      return ContentLayout.of(size, striping, compressed);
    }
  }
}
