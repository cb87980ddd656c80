package dev.ostore.upload;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import com.google.common.cache.CacheBuilder;
import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.Precondition;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.compress.CompressedForm;
import dev.ostore.compress.CompressingStream;
import dev.ostore.compress.Compression;
import dev.ostore.compress.CompressorState;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.ShardCalls;
import dev.ostore.dataserver.ShardWrite;
import dev.ostore.dataserver.UploadShardId;
import dev.ostore.erasure.ErasureStreams;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.heartbeat.WriteTargets;
import dev.ostore.locate.Locations;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.UploadRecord;
import dev.ostore.metadata.Version;
import dev.ostore.object.Codes;
import dev.ostore.object.Layouts;
import dev.ostore.object.ShardedContents;
import dev.ostore.object.StoredContent;
import dev.ostore.object.TransferLimit;
import dev.ostore.stream.ByteSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * {@link Uploads} over the metadata store and the data servers' resumable shard uploads. Whole
 * stripes go to the shards, the rest of a request's bytes to the upload's row as its tail; the
 * row advances only once the shards forced the stripes and only while the writer's lease is its
 * own, so the row always tells bytes that are durable. With compression on when it starts, an
 * upload is compressed as it arrives, exactly as a PUT of the same bytes would be (see {@link
 * CompressorState}): its stripes and tail are then of the stored stream, whose size the shards
 * are told once the last byte is in. Each upload's SHA-256 state at its last
 * acknowledged byte is kept in memory by the api server that wrote it; another one reads the
 * held bytes back to hash them.
 */
final class RealUploads implements Uploads {
  private static final Logger log = System.getLogger(RealUploads.class.getName());
  private static final HexFormat HEX = HexFormat.of();
  private static final int BUFFER = 64 * 1024;
  /** Expired uploads deleted per metadata read while sweeping. */
  private static final int SWEEP_PAGE = 100;

  private final MetadataStore metadata;
  private final LiveServers live;
  private final DataServerClient client;
  private final Layouts layouts;
  private final boolean instantUpload;
  private final Executor executor;
  private final InstantSource clock;
  private final Duration expiry;
  private final Duration lease;
  private final Compression compression;
  private final TransferLimit transfers;
  private final StoredContent contents;
  private final UploadTokens tokens;
  private final Codes codes = new Codes();
  private final SecureRandom random = new SecureRandom();
  /** Digests kept at most: an upload past them is hashed again from its shards if resumed. */
  private static final int MAX_CHECKPOINTS = 10_000;

  /**
   * The digest of each upload this server wrote last, at the bytes it held then. Bounded, since
   * uploads abandoned here may be swept by another api server, which cannot tell this one.
   */
  private final Map<String, Checkpoint> checkpoints = CacheBuilder.newBuilder()
      .maximumSize(MAX_CHECKPOINTS).<String, Checkpoint>build().asMap();

  /** A digest after {@code held} bytes of an upload; never updated, only cloned. */
  private record Checkpoint(long held, MessageDigest digest) {}

  RealUploads(MetadataStore metadata, LiveServers live, DataServerClient client,
      Layouts layouts, boolean instantUpload, StoredContent contents, Executor executor,
      InstantSource clock, Duration expiry, Duration lease, Compression compression,
      TransferLimit transfers) {
    this.metadata = metadata;
    this.live = live;
    this.client = client;
    this.layouts = layouts;
    this.instantUpload = instantUpload;
    this.contents = contents;
    this.executor = executor;
    this.clock = clock;
    this.expiry = expiry;
    this.lease = lease;
    this.compression = compression;
    this.transfers = transfers;
    this.tokens = new UploadTokens(metadata);
  }

  @Override
  public Started start(ObjectName name, long size, Optional<ContentHash> declared)
      throws IOException {
    if (size < 0) {
      throw OstoreException.badRequest("an upload's size must not be negative: " + size);
    }
    if (instantUpload && declared.isPresent()) {
      OptionalLong stored = contents.size(declared.get(), name);
      if (stored.isPresent()) {
        if (stored.getAsLong() != size) {
          throw OstoreException.badRequest("content " + declared.get().base64() + " is "
              + stored.getAsLong() + " bytes, not " + size);
        }
        return new Started(Optional.empty(),
            Optional.of(metadata.add(name.value(), size, declared.get())));
      }
    }
    Striping striping = layouts.of(size);
    List<ServerAddress> servers = WriteTargets.atLeast(live, striping.totalShards(),
        () -> "an upload of " + size + " bytes (" + striping + ")");
    byte[] id = new byte[16];
    random.nextBytes(id);
    // Whole seconds: the token says the expiry in seconds, and the row must agree with it.
    Instant expires = Instant.ofEpochSecond(clock.instant().plus(expiry).getEpochSecond());
    List<ServerAddress> chosen = servers.subList(0, striping.totalShards());
    UploadRecord upload = new UploadRecord(HEX.formatHex(id), name.value(), size, declared,
        striping.toString(), chosen, chosen.stream().map(live::idOf).toList(), expires, 0,
        new byte[0], compression.enabled() ? Optional.of(CompressorState.start(compression))
            : Optional.empty(), Set.of());
    String token = tokens.sign(upload.id(), expires);
    metadata.createUpload(upload);
    checkpoints.put(upload.id(), new Checkpoint(0, ContentHash.newDigest()));
    return new Started(Optional.of(status(token, upload)), Optional.empty());
  }

  @Override
  public Status status(String token) throws IOException {
    return status(token, find(token));
  }

  @Override
  public Appended append(String token, long offset, OptionalLong length, InputStream body,
      Optional<byte[]> bodySha256) throws IOException {
    UploadRecord upload = find(token);
    // Before the lease, which must not lapse while the append waits for its turn.
    try (TransferLimit.Slot slot = transfers.take("upload of " + upload.name())) {
      String holder = UUID.randomUUID().toString();
      if (!metadata.lease(upload.leaseName(), holder, clock.instant(), lease)) {
        throw new OstoreException(ErrorCode.CONFLICT, "upload " + token
            + " is being written by another request: send once it is done, from the offset a"
            + " HEAD tells");
      }
      try {
        // Read again under the lease: a writer that had it may have advanced it meanwhile.
        return new Append(token, find(token), holder).run(offset, length, body, bodySha256);
      } finally {
        try {
          metadata.release(upload.leaseName(), holder);
        } catch (IOException e) {
          log.log(WARNING, () -> "cannot release the lease of upload " + upload.id()
              + "; it lapses in " + lease + ": " + e.getMessage());
        }
      }
    }
  }

  @Override
  public void cancel(String token) throws IOException {
    switch (deleteUnlessWritten(find(token))) {
      case DELETED -> { }
      case BEING_WRITTEN -> throw new OstoreException(ErrorCode.CONFLICT, "upload " + token
          + " is being written by another request: cancel it once that is done");
      case GONE -> throw OstoreException.notFound("upload " + token + " is finished or cancelled");
    }
  }

  @Override
  public int sweep() throws IOException {
    int swept = 0;
    List<UploadRecord> expired;
    do {
      expired = metadata.expiredUploads(clock.instant(), SWEEP_PAGE);
      for (UploadRecord upload : expired) { // one being written is swept once it is not
        if (deleteUnlessWritten(located(upload)) == Deletion.DELETED) {
          swept++;
        }
      }
    } while (expired.size() == SWEEP_PAGE);
    if (swept > 0) {
      int count = swept;
      log.log(INFO, () -> "deleted " + count + " expired uploads");
    }
    return swept;
  }

  /**
   * The upload {@code token} names, where its servers are now: {@code NOT_FOUND} once it is
   * finished or deleted.
   */
  private UploadRecord find(String token) throws IOException {
    UploadTokens.Claim claim = tokens.verify(token, clock.instant());
    return located(metadata.upload(claim.id()).orElseThrow(() -> OstoreException.notFound(
        "upload " + token + " is finished or cancelled")));
  }

  /** {@code upload} with each server that is live at another address now found there. */
  private UploadRecord located(UploadRecord upload) {
    List<ServerAddress> servers = new ArrayList<>(upload.servers());
    for (int index = 0; index < servers.size(); index++) {
      Optional<ServerAddress> now = upload.serverIds().get(index).flatMap(live::addressOf);
      if (now.isPresent()) {
        servers.set(index, now.get());
      }
    }
    return upload.on(servers);
  }

  private static Status status(String token, UploadRecord upload) {
    return new Status(token, ObjectName.of(upload.name()), held(upload), upload.size(),
        upload.expires());
  }

  /** The bytes of the object an upload holds: its compressor's, or its stripes' and tail's. */
  private static long held(UploadRecord upload) {
    return upload.compressor().map(CompressorState::original).orElseGet(() ->
        upload.stripes() * Striping.parse(upload.layout()).stripeSize() + upload.tail().length);
  }

  /** Deletes the row, then the shards: without a row, no request reaches them any more. */
  /** What {@link #deleteUnlessWritten} did. */
  private enum Deletion { DELETED, BEING_WRITTEN, GONE }

  /** Deletes {@code upload} under its lease, so that no writer is recording it meanwhile. */
  private Deletion deleteUnlessWritten(UploadRecord upload) throws IOException {
    String holder = UUID.randomUUID().toString();
    if (!metadata.lease(upload.leaseName(), holder, clock.instant(), lease)) {
      return Deletion.BEING_WRITTEN;
    }
    if (delete(upload)) { // the lease with it
      return Deletion.DELETED;
    }
    metadata.release(upload.leaseName(), holder);
    return Deletion.GONE;
  }

  private boolean delete(UploadRecord upload) throws IOException {
    checkpoints.remove(upload.id());
    if (!metadata.deleteUpload(upload.id())) {
      return false;
    }
    deleteShards(upload);
    return true;
  }

  /** Deletes the upload's shards; a server that cannot drops them once they expire. */
  private void deleteShards(UploadRecord upload) {
    for (int index = 0; index < upload.servers().size(); index++) {
      ServerAddress server = upload.servers().get(index);
      UploadShardId id = new UploadShardId(upload.id(), index);
      try {
        client.deleteUpload(server, id);
      } catch (IOException e) {
        log.log(WARNING, () -> "cannot delete upload shard " + id + " from " + server
            + "; it deletes it once it expires at " + upload.expires() + ": " + e.getMessage());
      }
    }
  }

  /** One request's append to an upload, under its lease. */
  private final class Append {
    private final String token;
    private final UploadRecord upload;
    private final String holder;
    private final Striping striping;
    private final byte[] stripe;
    private Instant renewed = clock.instant();
    private int filled;
    private long stripesSent;
    private ShardAppends shards;
    private OutputStream encoder;
    /** Null for content stored as it comes. */
    private final CompressingStream compressing;
    /** The size the shards are told: the object's until the stored size is known. */
    private long declaredSize;
    /** Where stored bytes go instead of the stripes while the stored size is not known yet. */
    private ByteArrayOutputStream heldBack;

    Append(String token, UploadRecord upload, String holder) {
      this.token = token;
      this.upload = upload;
      this.holder = holder;
      this.striping = Striping.parse(upload.layout());
      this.stripe = new byte[Math.toIntExact(striping.stripeSize())];
      System.arraycopy(upload.tail(), 0, stripe, 0, upload.tail().length);
      this.filled = upload.tail().length;
      this.declaredSize = upload.size();
      this.compressing = upload.compressor().map(state -> CompressingStream.resume(
          ByteSink.stream(this::stored), state, OptionalLong.of(upload.size()))).orElse(null);
    }

    Appended run(long offset, OptionalLong length, InputStream body, Optional<byte[]> bodySha256)
        throws IOException {
      long held = held(upload);
      if (offset != held) {
        throw new OstoreException(ErrorCode.WRONG_OFFSET, "the upload holds " + held
            + " bytes: send the rest with Range: bytes=" + held + "-");
      }
      if (length.isPresent() && length.getAsLong() > upload.size() - held) {
        throw tooLong(held + length.getAsLong());
      }
      MessageDigest digest = digestAt(held);
      // Only tus' checksum asks for the body's own SHA-256: a second hash of every byte else.
      Optional<MessageDigest> bodyDigest = bodySha256.map(sha256 -> ContentHash.newDigest());
      try {
        long received = 0;
        IOException cut = null;
        byte[] buffer = new byte[BUFFER];
        while (true) {
          int n;
          try {
            n = body.read(buffer);
          } catch (IOException e) {
            cut = e;
            break;
          }
          if (n < 0) {
            break;
          }
          if (n > upload.size() - held - received) {
            throw tooLong(held + received + n);
          }
          // Before the bytes go anywhere: after a stall they may no longer be this request's.
          renewLease();
          digest.update(buffer, 0, n);
          if (bodyDigest.isPresent()) {
            bodyDigest.get().update(buffer, 0, n);
          }
          received += n;
          if (compressing == null) {
            take(buffer, 0, n);
          } else {
            compressing.write(buffer, 0, n);
          }
        }
        if (bodySha256.isPresent() && (cut != null
            || !MessageDigest.isEqual(bodySha256.get(), bodyDigest.orElseThrow().digest()))) {
          throw new OstoreException(ErrorCode.CHECKSUM_MISMATCH, cut != null
              ? "the body broke off after " + received + " bytes, so its checksum cannot be"
                  + " checked: nothing of it was kept"
              : "the body's SHA-256 is not the checksum given: nothing of it was kept");
        }
        if (cut == null && held + received == upload.size()) {
          Version version = complete(digest);
          return new Appended(new Status(token, ObjectName.of(upload.name()),
              upload.size(), upload.size(), upload.expires()),
              Optional.of(version));
        }
        UploadRecord advanced = keep(digest);
        if (cut != null) {
          throw OstoreException.badRequest("the body broke off after " + received
              + " bytes: the upload holds " + held(advanced) + " bytes; send the rest with"
              + " Range: bytes=" + held(advanced) + "-");
        }
        return new Appended(status(token, advanced), Optional.empty());
      } finally {
        if (compressing != null) {
          compressing.close();
        }
        if (shards != null) {
          shards.close();
        }
      }
    }

    /** The digest of the bytes held: this server's, else the held bytes read back. */
    private MessageDigest digestAt(long held) throws IOException {
      Checkpoint checkpoint = checkpoints.get(upload.id());
      try {
        if (checkpoint != null && checkpoint.held() == held) {
          return (MessageDigest) checkpoint.digest().clone();
        }
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("the JDK's SHA-256 clones", e);
      }
      return HeldPrefix.digest(client, upload, striping, codes.of(striping),
          ContentHash.newDigest());
    }

    /** Bytes of the stored stream: to the stripes, unless they are held back. */
    private void stored(byte[] b, int off, int len) throws IOException {
      if (heldBack != null) {
        heldBack.write(b, off, len);
      } else {
        take(b, off, len);
      }
    }

    /** Adds stored bytes to the stripe under way; a stripe once full goes to the shards. */
    private void take(byte[] buffer, int off, int len) throws IOException {
      int at = off;
      int n = off + len;
      while (at < n) {
        int copied = Math.min(n - at, stripe.length - filled);
        System.arraycopy(buffer, at, stripe, filled, copied);
        filled += copied;
        at += copied;
        if (filled == stripe.length) {
          encoder().write(stripe);
          stripesSent++;
          filled = 0;
        }
      }
    }

    private OutputStream encoder() throws IOException {
      if (encoder == null) {
        shards = ShardAppends.open(client, upload, striping, declaredSize,
            layouts.quorum(striping), executor);
        encoder = ErasureStreams.encoder(codes.of(striping), striping, shards);
      }
      return encoder;
    }

    /**
     * Renews the lease a third of its term after the last time. A stalled client lets it lapse:
     * taken again, it is still this request's only if the upload is as this request found it,
     * since another may have held it meanwhile and advanced the upload.
     */
    private void renewLease() throws IOException {
      Instant now = clock.instant();
      Duration since = Duration.between(renewed, now);
      if (since.compareTo(lease.dividedBy(3)) >= 0) {
        if (!metadata.lease(upload.leaseName(), holder, now, lease)) {
          throw lostLease();
        }
        if (since.compareTo(lease) >= 0) {
          UploadRecord row = metadata.upload(upload.id()).orElseThrow(this::cancelledMeanwhile);
          if (held(row) != held(upload)) {
            throw lostLease();
          }
        }
        renewed = now;
      }
    }

    /**
     * Renews the lease when due, then checks that the upload is still there: a cancel deletes it
     * only under its lease, so it stays while this writer holds the lease, a third of its term
     * at least from here.
     */
    private void checkNotCancelled() throws IOException {
      renewLease();
      if (metadata.upload(upload.id()).isEmpty()) {
        throw cancelledMeanwhile();
      }
    }

    /**
     * Makes what arrived durable: the whole stripes forced on their shards, then the row
     * advanced to them with the rest as its tail, and the digest kept at that point.
     */
    private UploadRecord keep(MessageDigest digest) throws IOException {
      renewLease(); // a body that stalled past the lease, then broke off, keeps what arrived
      Set<Integer> failed = upload.failed();
      if (shards != null) {
        shards.finish(upload.stripes() + stripesSent);
        failed = shards.failed();
      }
      UploadRecord advanced = upload.advanced(upload.stripes() + stripesSent,
          Arrays.copyOf(stripe, filled),
          Optional.ofNullable(compressing).map(CompressingStream::state), failed);
      if (!metadata.advanceUpload(advanced, holder, clock.instant())) {
        throw metadata.upload(upload.id()).isEmpty() ? cancelledMeanwhile() : lostLease();
      }
      checkpoints.put(upload.id(), new Checkpoint(held(advanced), digest));
      return advanced;
    }

    /**
     * Sends the last stripe, checks the hash, and records the version: from content stored
     * already, or from the shards committed on their servers.
     */
    private Version complete(MessageDigest digest) throws IOException {
      checkNotCancelled();
      Optional<CompressedForm> form = Optional.empty();
      if (compressing != null) {
        // The stored size is known once the compressor is finished: until the shards are told
        // it, they take whole stripes only, so what it writes last waits.
        heldBack = new ByteArrayOutputStream();
        form = compressing.finish();
        byte[] last = heldBack.toByteArray();
        heldBack = null;
        storedSize(form.map(CompressedForm::storedSize).orElse(upload.size()));
        take(last, 0, last.length);
      }
      encoder().write(stripe, 0, filled);
      encoder.close();
      shards.finish(striping.stripeCount(declaredSize));
      ContentHash hash = ContentHash.of(digest.digest());
      ObjectName name = ObjectName.of(upload.name());
      if (upload.declared().isPresent() && !upload.declared().get().equals(hash)) {
        delete(upload);
        throw OstoreException.badRequest("the " + upload.size() + " bytes uploaded hash to "
            + hash.base64() + ", not to the declared " + upload.declared().get().base64()
            + ": the upload is deleted");
      }
      checkNotCancelled();
      Version version;
      if (contents.size(hash, name).isPresent()) {
        version = metadata.add(name.value(), upload.size(), hash);
        deleteShards(upload);
      } else {
        long committing = System.nanoTime();
        version = contents.record(name, commit(hash, shards.failed(), shards.reasons(), form),
            committing, "upload of " + name, Precondition.NONE);
      }
      checkpoints.remove(upload.id());
      metadata.deleteUpload(upload.id());
      return version;
    }

    /**
     * Tells the shards the size of the stored stream, which they take as the object's: the
     * appends under way end where they are and go on under it.
     */
    private void storedSize(long size) throws IOException {
      if (size != declaredSize) {
        declaredSize = size;
        if (shards != null) {
          shards.redeclare(size, upload.stripes() + stripesSent);
        }
      }
    }

    /** Turns the upload's shards into the content's, all at once; below the quorum, none. */
    private ShardedContents.Stored commit(ContentHash hash, Set<Integer> failed,
        Map<Integer, String> reasons, Optional<CompressedForm> form) throws IOException {
      Map<Integer, ShardCalls.Call<ShardWrite>> commits = new LinkedHashMap<>();
      for (int index = 0; index < upload.servers().size(); index++) {
        if (!failed.contains(index)) {
          UploadShardId id = new UploadShardId(upload.id(), index);
          ServerAddress server = upload.servers().get(index);
          commits.put(index, () -> client.commitUpload(server, id, hash));
        }
      }
      ShardCalls.Outcomes<ShardWrite> outcomes = ShardCalls.all(commits, executor);
      Map<Integer, List<ServerAddress>> committed = new HashMap<>();
      outcomes.done().keySet().forEach(index ->
          committed.put(index, List.of(upload.servers().get(index))));
      Map<Integer, String> missing = new HashMap<>(reasons);
      failed.forEach(index -> missing.putIfAbsent(index, "failed earlier in the upload"));
      outcomes.failed().forEach((index, e) ->
          missing.put(index, upload.servers().get(index) + ": " + e.getMessage()));
      int quorum = layouts.quorum(striping);
      if (committed.size() < quorum) {
        committed.forEach((index, servers) -> deleteShard(servers.get(0),
            new ShardId(hash, index)));
        delete(upload);
        throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "cannot store upload "
            + upload.id() + " of " + upload.name() + ": " + committed.size() + " of its "
            + striping.totalShards() + " shards could be committed, " + quorum + " needed ("
            + missing.values() + "): the upload is deleted");
      }
      return new ShardedContents.Stored(hash, upload.size(), striping,
          new Locations(committed),
          ShardWrite.kept(outcomes.done(), index -> upload.servers().get(index)),
          Map.copyOf(missing), form);
    }

    private void deleteShard(ServerAddress server, ShardId id) {
      try {
        client.delete(server, id);
      } catch (IOException e) {
        log.log(WARNING, () -> "cannot delete shard " + id + " of a failed upload from "
            + server + ": " + e.getMessage());
      }
    }

    private OstoreException tooLong(long end) {
      return OstoreException.badRequest("the body would end at byte " + end + ", past the "
          + upload.size() + " bytes of the upload: nothing of it was kept");
    }

    /** Deleted while this writer's lease had lapsed; what it wrote since is deleted too. */
    private OstoreException cancelledMeanwhile() {
      deleteShards(upload);
      return OstoreException.notFound("upload " + token + " was cancelled meanwhile");
    }

    private OstoreException lostLease() {
      return new OstoreException(ErrorCode.CONFLICT, "upload " + token + " was taken over by"
          + " another request: nothing of this body was kept");
    }
  }
}
