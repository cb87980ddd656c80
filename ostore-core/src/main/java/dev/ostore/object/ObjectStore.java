package dev.ostore.object;

import dev.ostore.ByteRange;
import dev.ostore.ContentHash;
import dev.ostore.ObjectName;
import dev.ostore.Precondition;
import dev.ostore.compress.Compression;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.Version;
import dev.ostore.metrics.CacheStats;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;

/**
 * Objects by name, as an api server serves them, without HTTP: versions in the metadata store,
 * content erasure-coded on the data servers (see {@link ShardedContents}), or, when small, kept
 * in the metadata store ({@link Layouts#inline}), each content stored once. An api server's
 * endpoints are a thin layer over it; anything else can store and read objects through it too.
 * Thread-safe.
 *
 * <pre>{@code
 * Version v = objects.put(ObjectName.of("report.pdf"), ObjectStore.Body.of(bytes, Optional.empty()));
 * try (ObjectStore.Content content = objects.open(objects.resolve(name, OptionalLong.empty()))) {
 *   content.copyTo(out);
 * }
 * }</pre>
 */
public interface ObjectStore {
  /**
   * Objects with versions in {@code metadata} and content on {@code client}'s data servers:
   * written to {@code live} ones as {@code layouts} says, found with {@code locator}; shard
   * commits and reads run on {@code executor}, and a shard read lagging {@code hedgeAfter} gets a
   * parity shard read beside it. With {@code instantUpload}, a body whose declared hash is
   * stored already is not read at all when it {@link Body#mayStayUnsent may stay unsent}. Small
   * contents once written or read are kept in memory, up to {@code smallContentCache} bytes (see
   * {@link #defaultSmallContentCache}). Shards that a read finds damaged, or that a write could
   * not store, go to {@code repairs}. New content is stored compressed as {@code compression}
   * says, when worth it. PUTs and GETs of content in shards hold a slot of {@code transfers}
   * while they stream, so that their buffers do not outgrow the memory however many come.
   */
  static ObjectStore create(MetadataStore metadata, LiveServers live, Locator locator,
      DataServerClient client, Layouts layouts, Executor executor, Duration hedgeAfter,
      boolean instantUpload, RepairQueue repairs, Compression compression,
      long smallContentCache, TransferLimit transfers) {
    return new StoredObjects(metadata, live, locator, client,
        ShardedContents.create(live, locator, client, layouts, executor, hedgeAfter, repairs,
            transfers),
        layouts, instantUpload, new SmallContents(smallContentCache), repairs, compression);
  }

  /** Bytes of small content kept in memory unless told otherwise: an eighth of the heap. */
  static long defaultSmallContentCache() {
    return SmallContents.defaultBytes();
  }

  /**
   * Stores {@code body} as the next version of {@code name}, once its content is durable:
   * {@code BAD_REQUEST} when it is not what its declared hash says, {@code NO_DATA_SERVER} when
   * too few data servers are live for content that is not kept in the metadata store ({@link
   * Layouts#inline}), {@code DATA_SERVER_FAILED} when too many fail, {@code BUSY} when those that
   * failed were all too busy to take it, or when no transfer ended within the wait for a slot.
   */
  Version put(ObjectName name, Body body) throws IOException;

  /**
   * The latest version of {@code name}, or version {@code number}; {@code NOT_FOUND} for an
   * unknown name or version, or one whose latest version is a deletion.
   */
  Version resolve(ObjectName name, OptionalLong number) throws IOException;

  /**
   * The content of {@code version}, opened where it is: {@code NO_DATA_SERVER} when too little of
   * it is on live data servers, {@code DATA_SERVER_FAILED} when what is there cannot be read,
   * {@code BUSY} when it is in shards and no transfer ended within the wait for a slot.
   */
  default Content open(Version version) throws IOException {
    return open(version, ByteRange.all(version.size()));
  }

  /**
   * The bytes in {@code range} of the content of {@code version}, which must lie within it: as
   * {@link #open(Version)}, reading only the stripes, and of those only the shards, that hold
   * them, as far as the shards answer.
   */
  Content open(Version version, ByteRange range) throws IOException;

  /**
   * As {@link #open(Version, ByteRange)}, from this server's memory alone: empty when it does not
   * hold the content, so that the caller waits on no data server, disk or database.
   */
  Optional<Content> openHeld(Version version, ByteRange range);

  /**
   * What the memory of small contents has served, for metrics: a hit is a read of small content
   * answered from it, a miss one that had to read the content from where it is stored.
   */
  CacheStats smallContentsCache();

  /**
   * The length of the gzip body that {@link #openGzip} would send for {@code version}, known
   * without reading any of it; empty when its content is not stored compressed.
   */
  OptionalLong gzipSize(Version version) throws IOException;

  /**
   * The content of {@code version} as one gzip member ({@code Content-Encoding: gzip}) made of
   * its stored blocks without compressing anything, its {@link Content#size} the member's
   * length; empty when the content is not stored compressed. Errors as {@link #open(Version)}.
   */
  Optional<Content> openGzip(Version version) throws IOException;

  /** The body of a PUT, as it arrives. */
  interface Body {
    /** A body of {@code bytes} in memory, which {@code declared} says the hash of, if given. */
    static Body of(byte[] bytes, Optional<ContentHash> declared) {
      return new Body() {
        @Override
        public OptionalLong length() {
          return OptionalLong.of(bytes.length);
        }

        @Override
        public Optional<ContentHash> declared() {
          return declared;
        }

        @Override
        public boolean mayStayUnsent() {
          return false;
        }

        @Override
        public long copyTo(OutputStream out) throws IOException {
          out.write(bytes);
          return bytes.length;
        }
      };
    }

    /** Its length, when told up front. */
    OptionalLong length();

    /** The SHA-256 the client declared, if it did. */
    Optional<ContentHash> declared();

    /** Whether the client waits to be told to send it, so that it may never be sent. */
    boolean mayStayUnsent();

    /**
     * What the client asks of the name's current content ({@code If-Match}, {@code
     * If-None-Match}, {@code If-Unmodified-Since}): checked where the version is recorded, so
     * that no other write in between escapes it. A body that fails it is stored and left to a
     * collection.
     */
    default Precondition precondition() {
      return Precondition.NONE;
    }

    /**
     * Copies the whole body to {@code out} and returns its length; a client that breaks off is
     * a {@code BAD_REQUEST}.
     */
    long copyTo(OutputStream out) throws IOException;
  }

  /** Content being read, all of it or a range. */
  interface Content extends AutoCloseable {
    /** The size of the whole content. */
    long size();

    /**
     * Copies the content, or the range of it that was opened, to {@code out}, checked: bytes found
     * damaged end in {@code DATA_SERVER_FAILED} before they are written, so that the caller can cut
     * the answer short and no client takes them for the content. Erasure-coded content is checked
     * block by block (CRC32C), and also whole (SHA-256, the last chunk held back) when small enough
     * to be kept in memory; content stored whole is checked against its SHA-256.
     */
    void copyTo(OutputStream out) throws IOException;

    @Override
    void close();
  }
}
