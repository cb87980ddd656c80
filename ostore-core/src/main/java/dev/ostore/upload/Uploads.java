package dev.ostore.upload;

import dev.ostore.ContentHash;
import dev.ostore.ObjectName;
import dev.ostore.compress.Compression;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.Version;
import dev.ostore.object.Layouts;
import dev.ostore.object.RepairQueue;
import dev.ostore.object.StoredContent;
import dev.ostore.object.TransferLimit;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;

/**
 * Resumable uploads of objects of known size: started, appended to in as many requests as it
 * takes, from any api server of the cluster, then recorded as a version of their name. An upload
 * is named by a token the cluster signed; it holds whole stripes on its data servers and the
 * bytes of an unfinished stripe in the metadata store, so every byte an append acknowledged
 * survives the api server that took it. Thread-safe.
 *
 * <pre>{@code
 * Uploads.Started started = uploads.start(name, size, Optional.of(hash));
 * if (started.version().isEmpty()) { // else recorded at once: instant upload
 *   String token = started.upload().orElseThrow().token();
 *   Uploads.Appended done = uploads.append(token, 0, OptionalLong.of(size), in, Optional.empty());
 * }
 * }</pre>
 *
 * <p>Errors are {@link dev.ostore.OstoreException}s: {@code FORBIDDEN} for a token this cluster
 * did not sign, {@code GONE} for an expired one, {@code NOT_FOUND} for an upload finished or
 * cancelled, {@code CONFLICT} while another request writes it, {@code WRONG_OFFSET} for an
 * offset other than the bytes held, {@code CHECKSUM_MISMATCH} for a body whose SHA-256 is not
 * the one given, {@code BAD_REQUEST} for a body past the size or content that is not what was
 * declared, and those of {@link dev.ostore.object.ObjectStore#put} for the data servers.
 */
public interface Uploads {
  /**
   * Uploads recorded in {@code metadata}, their shards written to {@code live} data servers
   * through {@code client} as {@code layouts} lays out content of their size; {@code locator} and
   * {@code repairs} are those of {@link dev.ostore.object.ObjectStore#create}, shard commits run
   * on {@code executor}. Uploads expire {@code expiry} after they start; a writer holds an
   * upload for {@code lease}, renewed while its body arrives, so that a writer that died lets go.
   * Uploads started with {@code compression} on are stored compressed as a PUT's content is.
   * Each append holds a slot of {@code transfers}, those of the object store's PUTs and GETs.
   * With {@code instantUpload}, a start whose declared content is stored already records the
   * version at once, as {@link dev.ostore.object.ObjectStore#create}'s does for a PUT; without
   * it every upload sends its bytes, since knowing a hash must not be enough to claim content.
   */
  static Uploads create(MetadataStore metadata, LiveServers live, Locator locator,
      DataServerClient client, Layouts layouts, boolean instantUpload, RepairQueue repairs,
      Executor executor, InstantSource clock, Duration expiry, Duration lease,
      Compression compression, TransferLimit transfers) {
    return new RealUploads(metadata, live, client, layouts, instantUpload,
        new StoredContent(metadata, locator, client, layouts, repairs), executor, clock, expiry,
        lease, compression, transfers);
  }

  /**
   * Starts an upload of {@code size} bytes for {@code name}; with instant upload on, when {@code
   * declared} content is stored already, records the version at once instead. {@code
   * NO_DATA_SERVER} when too few data servers are live.
   */
  Started start(ObjectName name, long size, Optional<ContentHash> declared) throws IOException;

  /** Where upload {@code token} stands. */
  Status status(String token) throws IOException;

  /**
   * Appends {@code body} (of {@code length} bytes, when known) at {@code offset}, which must be
   * the bytes held. What arrives is kept even when the body breaks off, unless {@code bodySha256}
   * is given: then a body that is not whole and of that SHA-256 keeps nothing. Once the last byte
   * is in, the content is checked against its declared hash and recorded as the next version of
   * the upload's name, and the upload is gone. {@code BUSY} when no slot for another transfer
   * came free within the wait, before the body is read.
   */
  Appended append(String token, long offset, OptionalLong length, InputStream body,
      Optional<byte[]> bodySha256) throws IOException;

  /**
   * Deletes upload {@code token}: its row and its shards. {@code CONFLICT} while a request
   * writes it, which would otherwise record it after it was cancelled.
   */
  void cancel(String token) throws IOException;

  /** Deletes the uploads that expired by now, row then shards; returns how many. */
  int sweep() throws IOException;

  /** An upload under way: its token, name, bytes held, size and expiry. */
  record Status(String token, ObjectName name, long offset, long size, Instant expires) {
    public Status {
      if (offset < 0 || offset > size) {
        throw new IllegalArgumentException("offset " + offset + " is outside 0 to " + size);
      }
    }
  }

  /** What a start did: either an upload under way, or a version recorded at once. */
  record Started(Optional<Status> upload, Optional<Version> version) {
    public Started {
      if (upload.isPresent() == version.isPresent()) {
        throw new IllegalArgumentException("an upload or a version, one of them");
      }
    }
  }

  /** What an append left: the upload's status and, once it is complete, the version recorded. */
  record Appended(Status status, Optional<Version> version) {}
}
