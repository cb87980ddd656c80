package dev.ostore.object;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.erasure.ErasureStreams;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locations;
import dev.ostore.object.ShardedContents.Stored;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.stream.IntStream;

/**
 * Writes new content as shards on distinct live data servers, encoding it stripe by stripe as
 * it arrives. Content of known size gets its layout at once; content of unknown size is held in
 * memory up to the small-object limit, so that small content still gets the small layout.
 */
final class ContentWriter {
  private final LiveServers live;
  private final DataServerClient client;
  private final Layouts layouts;
  private final Codes codes;
  private final Executor executor;

  ContentWriter(LiveServers live, DataServerClient client, Layouts layouts, Codes codes,
      Executor executor) {
    this.live = live;
    this.client = client;
    this.layouts = layouts;
    this.codes = codes;
    this.executor = executor;
  }

  /**
   * Starts writing content of {@code length} bytes, if known. With fewer live data servers than
   * the layout's quorum it is {@code NO_DATA_SERVER}, before a byte of the body was read when
   * the length is known.
   */
  Upload start(OptionalLong length, Object what) throws IOException {
    Upload upload = new Upload(what);
    if (length.isPresent()) {
      upload.begin(layouts.of(length.getAsLong()));
    }
    return upload;
  }

  /**
   * One content on its way: bytes go to {@link #body()}, {@link #seal} ends them and tells
   * their hash, then {@link #commit} makes them durable.
   */
  final class Upload implements ShardedContents.Upload {
    private final Object what;
    private final MessageDigest digest = ContentHash.newDigest();
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private Striping striping;
    private ShardWriters writers;
    private OutputStream encoder;
    private long size;
    private ContentHash hash;

    private Upload(Object what) {
      this.what = what;
    }

    /** Where the content's bytes go. */
    @Override
    public OutputStream body() {
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          accept(b, off, len);
        }
      };
    }

    @Override
    public ContentHash seal(Optional<ContentHash> declared) throws IOException {
      if (hash != null) {
        throw new IllegalStateException("sealed already");
      }
      if (striping == null) {
        begin(layouts.of(head.size()));
      }
      encoder.close();
      hash = ContentHash.of(digest.digest()).checkDeclared(declared);
      return hash;
    }

    @Override
    public Stored commit() throws IOException {
      if (hash == null) {
        throw new IllegalStateException("commit before seal");
      }
      Locations locations = writers.finish(client, hash, size);
      return new Stored(hash, size, striping, locations, writers.failures());
    }

    /** Cuts the shard uploads if not finished: their servers keep nothing. Idempotent. */
    @Override
    public void close() {
      if (writers != null) {
        writers.close();
      }
    }

    private void accept(byte[] b, int off, int len) throws IOException {
      digest.update(b, off, len);
      size += len;
      if (striping != null) {
        encoder.write(b, off, len);
        return;
      }
      head.write(b, off, len);
      if (head.size() >= layouts.smallBelow()) {
        begin(layouts.of(head.size()));
      }
    }

    private void begin(Striping chosen) throws IOException {
      int quorum = layouts.quorum(chosen);
      List<ServerAddress> candidates = new ArrayList<>(live.live());
      if (candidates.isEmpty()) {
        throw Missing.noDataServer();
      }
      if (candidates.size() < quorum) {
        throw new OstoreException(ErrorCode.NO_DATA_SERVER, "storing " + what + " needs "
            + quorum + " live data servers (" + quorum + " of the " + chosen.totalShards()
            + " shards of " + chosen + "), and " + candidates.size()
            + (candidates.size() == 1 ? " is" : " are") + " live");
      }
      // Spreads shards, and so reads, over every data server.
      Collections.shuffle(candidates);
      writers = ShardWriters.start(client, live, candidates, chosen,
          IntStream.range(0, chosen.totalShards()).boxed().toList(), quorum, what, executor);
      striping = chosen;
      encoder = ErasureStreams.encoder(codes.of(chosen), chosen, writers);
      if (head.size() > 0) {
        head.writeTo(encoder);
        head.reset();
      }
    }
  }
}
