package dev.ostore.object;

import dev.ostore.BufferTaker;
import dev.ostore.ContentHash;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.compress.CompressedForm;
import dev.ostore.compress.CompressingStream;
import dev.ostore.compress.Compression;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.erasure.ErasureStreams;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.heartbeat.WriteTargets;
import dev.ostore.locate.Locations;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.metadata.InlineContent;
import dev.ostore.object.ShardedContents.Stored;
import dev.ostore.stream.ByteSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.IntStream;

/**
 * Writes new content as shards on distinct live data servers. Content below the small-object
 * limit is held in memory until it ends and then sent as {@link HeldShards}, one request per
 * shard, named up front, or, below the inline limit, handed to the metadata store whole ({@link
 * Upload#inline}); larger content is encoded stripe by stripe as it arrives. Content of unknown
 * size is held until it passes the limit, so small content still gets the small way.
 */
final class ContentWriter {
  /**
   * From this many bytes on, content is hashed by a task of its own ({@link BackgroundDigest}):
   * for shorter content the hand-overs would cost more than the hashing saves.
   */
  static final long HASH_APART_FROM = 1 << 20;

  private final LiveServers live;
  private final DataServerClient client;
  private final Layouts layouts;
  private final Codes codes;
  private final Executor executor;
  private final TransferLimit transfers;

  ContentWriter(LiveServers live, DataServerClient client, Layouts layouts, Codes codes,
      Executor executor, TransferLimit transfers) {
    this.live = live;
    this.client = client;
    this.layouts = layouts;
    this.codes = codes;
    this.executor = executor;
    this.transfers = transfers;
  }

  /**
   * Starts writing content of {@code length} bytes, if known. With fewer live data servers than
   * the layout's quorum it is {@code NO_DATA_SERVER}, before a byte of the body was read when
   * the length is known (content to keep inline needs none). With {@code compression} on, its
   * stored stream is what {@link CompressingStream} makes of it; the layout is chosen by the
   * length as it comes.
   */
  Upload start(OptionalLong length, Object what, Compression compression) throws IOException {
    Upload upload = new Upload(what, compression, length);
    try {
      if (length.isPresent()) {
        Striping chosen = layouts.of(length.getAsLong());
        if (layouts.inline(length.getAsLong())) {
          return upload;
        } else if (length.getAsLong() < layouts.smallBelow()) {
          candidates(chosen, what); // fails now, not once the body is in
        } else {
          upload.begin(chosen);
        }
      }
      return upload;
    } catch (IOException | RuntimeException e) {
      upload.close(); // its compressor, say: the caller never sees the upload to close it
      throw e;
    }
  }

  /**
   * The live data servers with room, in random order ({@link WriteTargets}): {@code
   * NO_DATA_SERVER} when fewer than the quorum of {@code chosen} are live, {@code
   * INSUFFICIENT_STORAGE} when fewer have room.
   */
  private List<ServerAddress> candidates(Striping chosen, Object what) throws OstoreException {
    int quorum = layouts.quorum(chosen);
    return WriteTargets.atLeast(live, quorum, () -> "storing " + what + " (" + quorum
        + " of the " + chosen.totalShards() + " shards of " + chosen + ")");
  }

  /**
   * One content on its way: bytes go to {@link #body()}, {@link #seal} ends them and tells
   * their hash, then {@link #commit} makes them durable. Bytes as they come are hashed and go
   * through {@code compressing}, if on, to be stored: until the small-object limit is passed (by
   * the bytes as they came) those stored are held in {@code head}; after, {@code writers}
   * streams them.
   */
  final class Upload implements ShardedContents.Upload {
    private final Object what;
    private final MessageDigest digest = ContentHash.newDigest();
    /** Hashes in place of this thread once the content is long; null before. */
    private BackgroundDigest background;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    /** Null when compression is off. */
    private final CompressingStream compressing;
    private Optional<CompressedForm> compressed = Optional.empty();
    private Striping striping;
    /** Taken when the shards start streaming; null before. */
    private TransferLimit.Slot slot;
    private ShardWriters writers;
    private OutputStream encoder;
    private long size;
    private long storedSize;
    private ContentHash hash;

    private Upload(Object what, Compression compression, OptionalLong length) {
      this.what = what;
      this.compressing = compression.enabled()
          ? CompressingStream.to(ByteSink.stream(this::store), compression, length) : null;
    }

    /**
     * Where the content's bytes go. It takes buffers handed over ({@link BufferTaker}) to hash
     * them on a task of its own without copying them, once the content is long.
     */
    @Override
    public OutputStream body() {
      return new Body();
    }

    private final class Body extends OutputStream implements BufferTaker {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (background == null) {
          digest.update(b, off, len);
        } else {
          background.update(b, off, len);
        }
        accept(b, off, len);
      }

      @Override
      public byte[] take(byte[] buffer, int length) throws IOException {
        if (background == null) {
          write(buffer, 0, length);
          return buffer;
        }
        accept(buffer, 0, length);
        return background.take(buffer, length);
      }
    }

    @Override
    public ContentHash seal(Optional<ContentHash> declared) throws IOException {
      if (hash != null) {
        throw new IllegalStateException("sealed already");
      }
      if (compressing != null) {
        compressed = compressing.finish();
      }
      if (writers == null) {
        striping = layouts.of(size);
      } else {
        encoder.close();
      }
      hash = ContentHash.of(background == null ? digest.digest() : background.digest())
          .checkDeclared(declared);
      return hash;
    }

    @Override
    public Optional<InlineContent> inline() {
      if (hash == null) {
        throw new IllegalStateException("inline before seal");
      }
      return writers == null && layouts.inline(size)
          ? Optional.of(new InlineContent(ContentLayout.inline(size, compressed),
              head.toByteArray()))
          : Optional.empty();
    }

    @Override
    public Stored commit() throws IOException {
      if (hash == null) {
        throw new IllegalStateException("commit before seal");
      }
      if (writers == null) {
        HeldShards held = HeldShards.store(client, live, candidates(striping, what), striping,
            codes.of(striping), head.toByteArray(), hash, layouts.quorum(striping), what);
        return new Stored(hash, size, striping, held.locations(), held.kept(), held.failures(),
            compressed);
      }
      Locations locations = writers.finish(client, hash, storedSize);
      return new Stored(hash, size, striping, locations, writers.kept(), writers.failures(),
          compressed);
    }

    /** Cuts the shard uploads if not finished: their servers keep nothing. Idempotent. */
    @Override
    public void close() {
      if (compressing != null) {
        compressing.close();
      }
      if (writers != null) {
        writers.close();
      }
      if (background != null) {
        background.close();
      }
      if (slot != null) {
        slot.close();
      }
    }

    /** Stores bytes hashed already. */
    private void accept(byte[] b, int off, int len) throws IOException {
      size += len;
      if (background == null && size >= HASH_APART_FROM) {
        hashApart();
      }
      if (compressing == null) {
        store(b, off, len);
      } else {
        compressing.write(b, off, len);
      }
      if (writers == null && size >= layouts.smallBelow()) {
        begin(layouts.of(size));
      }
    }

    private void store(byte[] b, int off, int len) throws IOException {
      storedSize += len;
      if (writers == null) {
        head.write(b, off, len);
      } else {
        encoder.write(b, off, len);
      }
    }

    /** Hands the hashing to a task of its own, unless the pool refuses it. */
    private void hashApart() {
      try {
        background = BackgroundDigest.start(digest, executor);
      } catch (RejectedExecutionException e) {
        // This thread goes on hashing: slower, not wrong.
      }
    }

    private void begin(Striping chosen) throws IOException {
      List<ServerAddress> servers = candidates(chosen, what); // NO_DATA_SERVER before waiting
      slot = transfers.take(what);
      writers = ShardWriters.start(client, live, servers, chosen,
          IntStream.range(0, chosen.totalShards()).boxed().toList(), layouts.quorum(chosen),
          what, executor);
      striping = chosen;
      encoder = ErasureStreams.encoder(codes.of(chosen), chosen, writers);
      if (head.size() > 0) {
        head.writeTo(encoder);
        head.reset();
      }
    }
  }
}
