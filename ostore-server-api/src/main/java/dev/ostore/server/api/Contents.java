package dev.ostore.server.api;

import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.http.DigestHeaders;
import dev.ostore.http.Exchange;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.stream.GetStream;
import dev.ostore.stream.PutStream;
import dev.ostore.stream.Transfers;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Content on the data servers, as the api server reaches it: stores a request body under its
 * SHA-256 through a data server's temporary-object protocol, once per content, and opens stored
 * content wherever it is.
 */
final class Contents {
  private static final Logger log = System.getLogger(Contents.class.getName());
  static final String OBJECTS = "/objects/";
  static final String TEMP = "/temp/";

  private final MetadataStore metadata;
  private final LiveServers live;
  private final Locator locator;
  private final Transfers transfers;
  private final boolean instantUpload;

  Contents(MetadataStore metadata, LiveServers live, Locator locator, Transfers transfers,
      boolean instantUpload) {
    this.metadata = metadata;
    this.live = live;
    this.locator = locator;
    this.transfers = transfers;
    this.instantUpload = instantUpload;
  }

  /** Content that is stored: its hash and size. */
  record Stored(ContentHash hash, long size) {}

  /**
   * Stores the request body of {@code exchange}, checked against the SHA-256 the client declared,
   * if any (a mismatch is a {@code BAD_REQUEST} and nothing stays). Content stored already is not
   * stored again: when the declared hash is known to be stored, the body is only read and checked,
   * or, with instant upload on and a client waiting for {@code 100 Continue}, not even sent.
   */
  Stored store(Exchange exchange, Object what, Optional<ContentHash> declared)
      throws IOException {
    if (declared.isPresent()) {
      Optional<ServerAddress> holder = holderOfKnown(declared.get(), what);
      if (holder.isPresent()) {
        // Answering before the body without 100-continue would break the client's upload.
        if (instantUpload && exchange.awaitsContinue()) {
          return new Stored(declared.get(), transfers.size(holder.get(),
              OBJECTS + declared.get().hex()));
        }
        MessageDigest digest = ContentHash.newDigest();
        long size = exchange.copyRequestBodyTo(
            new DigestOutputStream(OutputStream.nullOutputStream(), digest), what);
        return new Stored(check(ContentHash.of(digest.digest()), declared), size);
      }
    }
    return upload(exchange, what, declared);
  }

  /** The content with {@code hash}, opened on the data server that holds it. */
  Located open(ContentHash hash) throws IOException {
    String key = hash.hex();
    OstoreException unreachable = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      Optional<ServerAddress> holder = locator.locate(key);
      if (holder.isEmpty()) {
        break;
      }
      try {
        return new Located(holder.get(), transfers.get(holder.get(), OBJECTS + key));
      } catch (OstoreException e) {
        locator.forget(key);
        if (e.code() == ErrorCode.DATA_SERVER_UNREACHABLE) {
          live.dropUntilHeard(holder.get());
          unreachable = e;
        } else if (e.code() != ErrorCode.NOT_FOUND) {
          throw e;
        }
      }
    }
    if (unreachable != null) {
      throw unreachable;
    }
    throw Missing.content(live, hash);
  }

  /** Content opened on {@code server}. */
  record Located(ServerAddress server, GetStream stream) {}

  /** Forgets where content was found, after it turned out not to be there (or not intact). */
  void forget(ContentHash hash) {
    locator.forget(hash.hex());
  }

  private Stored upload(Exchange exchange, Object what, Optional<ContentHash> declared)
      throws IOException {
    Temp temp = createTemp(exchange.requestLength());
    try {
      MessageDigest digest = ContentHash.newDigest();
      long size;
      PutStream body = transfers.upload(temp.server(), "PATCH", TEMP + temp.id(),
          exchange.requestLength());
      try {
        size = exchange.copyRequestBodyTo(new DigestOutputStream(body, digest), what);
        body.close();
      } catch (IOException | RuntimeException e) {
        body.abort(e);
        throw e;
      }
      ContentHash hash = check(ContentHash.of(digest.digest()), declared);
      // A declared hash was looked for just before the upload (see store). Asking again would
      // narrow, not close, the window in which a concurrent upload of the same content commits
      // too; a commit of content held already is harmless.
      if (declared.isEmpty() && holderOfKnown(hash, what).isPresent()) {
        discard(temp);
      } else {
        transfers.call(temp.server(), "PUT", TEMP + temp.id(),
            Map.of(DigestHeaders.DIGEST, "SHA-256=" + hash.base64()));
        locator.remember(hash.hex(), temp.server());
      }
      return new Stored(hash, size);
    } catch (IOException | RuntimeException e) {
      discard(temp);
      throw e;
    }
  }

  /**
   * The data server holding content that some version refers to. Content no version refers to
   * is not looked for, which spares every PUT of new content a broadcast that waits for each
   * data server's no: a version is recorded only after its content was committed, so such
   * content was at most committed by an api server that died before recording the version, and
   * storing it again costs space, not correctness. Known content is still located afresh, since
   * a data server may have lost it (corrupt, or gone) since. Without the broker it is stored
   * again too: that costs space, while refusing the PUT would cost the client its write.
   */
  private Optional<ServerAddress> holderOfKnown(ContentHash hash, Object what)
      throws IOException {
    if (!metadata.references(hash)) {
      return Optional.empty();
    }
    try {
      return locator.locateAfresh(hash.hex());
    } catch (OstoreException e) {
      if (e.code() != ErrorCode.BUS_UNAVAILABLE) {
        throw e;
      }
      log.log(WARNING, () -> "cannot ask where the content of " + what + " (" + hash
          + ") is stored, so it is stored again: " + e.getMessage());
      return Optional.empty();
    }
  }

  private record Temp(ServerAddress server, String id) {}

  /**
   * A temporary object on a live data server. One that refuses the connection (nothing was sent
   * yet), has as many uploads as it takes, or has no temporary-object protocol (an older data
   * server, which answers 404) is skipped.
   */
  private Temp createTemp(OptionalLong length) throws IOException {
    Map<String, String> headers = length.isPresent()
        ? Map.of("Size", Long.toString(length.getAsLong())) : Map.of();
    Set<ServerAddress> skipped = new HashSet<>();
    OstoreException last = null;
    while (true) {
      Optional<ServerAddress> picked = live.pick(skipped);
      if (picked.isEmpty()) {
        throw Missing.noServerFor(skipped, last);
      }
      ServerAddress server = picked.get();
      try {
        return new Temp(server, transfers.call(server, "POST", TEMP, headers).strip());
      } catch (OstoreException e) {
        if (e.code() == ErrorCode.DATA_SERVER_UNREACHABLE) {
          live.dropUntilHeard(server);
        } else if (e.code() != ErrorCode.NOT_FOUND && e.code() != ErrorCode.BUSY) {
          throw e;
        }
        last = e;
        log.log(WARNING, () -> "cannot create a temporary object on " + server + ": "
            + e.getMessage() + "; trying another data server");
        skipped.add(server);
      }
    }
  }

  /** Drops a temporary object; if that fails too, it expires on its data server. */
  private void discard(Temp temp) {
    try {
      transfers.call(temp.server(), "DELETE", TEMP + temp.id(), Map.of());
    } catch (IOException e) {
      log.log(WARNING, () -> "temporary object " + temp.id() + " on " + temp.server()
          + " left to expire: " + e.getMessage());
    }
  }

  private static ContentHash check(ContentHash actual, Optional<ContentHash> declared)
      throws OstoreException {
    if (declared.isPresent() && !declared.get().equals(actual)) {
      throw OstoreException.badRequest("the body's SHA-256 is " + actual.base64()
          + ", not the " + declared.get().base64() + " its digest header declares");
    }
    return actual;
  }
}
