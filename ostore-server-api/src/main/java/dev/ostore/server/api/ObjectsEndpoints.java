package dev.ostore.server.api;

import dev.ostore.ByteRange;
import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.Precondition;
import dev.ostore.http.AcceptEncoding;
import dev.ostore.http.DigestHeaders;
import dev.ostore.http.ConditionalHeaders;
import dev.ostore.http.Exchange;
import dev.ostore.http.HttpDates;
import dev.ostore.http.RangeHeader;
import dev.ostore.http.Routes;
import dev.ostore.metadata.Deletion;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.Version;
import dev.ostore.object.Missing;
import dev.ostore.object.ObjectStore;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code /objects/}: {@code PUT} stores a new version of a name, {@code GET} and {@code HEAD}
 * read the latest or a given version ({@code ?version=N}), or byte ranges of it ({@code Range}),
 * {@code DELETE} adds a tombstone ({@code ?version=N}: removes that version for good), and
 * {@code GET /objects/} lists the live objects. Bytes stream between the client and a data server,
 * checked against their SHA-256 both ways.
 */
final class ObjectsEndpoints {
  static final String PREFIX = "/objects/";
  static final String OBJECT = PREFIX + "{name}";

  private static final String VERSION = "version";

  private final MetadataStore metadata;
  private final ObjectStore objects;

  ObjectsEndpoints(MetadataStore metadata, ObjectStore objects) {
    this.metadata = metadata;
    this.objects = objects;
  }

  void addTo(Routes.Builder routes) {
    routes.add("GET", PREFIX, this::list, VersionLines.LISTING_PARAMETERS)
        .add("PUT", OBJECT, this::put)
        .add("GET", OBJECT, this::get, VERSION)
        .add("HEAD", OBJECT, this::head, VERSION)
        .add("DELETE", OBJECT, this::delete, VERSION);
    if (metadata.readsLocally()) {
      // A version read from a file of this machine, and content held in memory, wait on no
      // other machine: such a GET, and a HEAD, is answered on the thread that read it.
      routes.answerQuickly("GET", OBJECT).answerQuickly("HEAD", OBJECT);
    }
  }

  /**
   * Stores the body under its hash, then adds the version: no version ever names content that is
   * not stored. Answers the new version as a line of JSON, with its digest headers.
   */
  private void put(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    Optional<ContentHash> declared = DigestHeaders.read(exchange);
    Precondition condition = ConditionalHeaders.ofWrite(exchange);
    // Refused before the body is asked for; checked again where the version is recorded.
    metadata.check(name.value(), condition);
    Version version = objects.put(name, new ObjectStore.Body() {
      @Override
      public OptionalLong length() {
        return exchange.requestLength();
      }

      @Override
      public Optional<ContentHash> declared() {
        return declared;
      }

      @Override
      public boolean mayStayUnsent() {
        return exchange.awaitsContinue();
      }

      @Override
      public Precondition precondition() {
        return condition;
      }

      @Override
      public long copyTo(OutputStream out) throws IOException {
        return exchange.copyRequestBodyTo(out, name);
      }
    });
    DigestHeaders.write(exchange, version.hash().orElseThrow());
    VersionLines.respond(exchange, version);
  }

  /** The live objects, each by its latest version. */
  private void list(Exchange exchange) throws IOException {
    String prefix = exchange.query(VersionLines.PREFIX_PARAMETER).orElse("");
    VersionLines.respond(exchange, (after, limit) -> metadata.latestVersions(prefix, after, limit));
  }

  /**
   * The object, or the parts of it a {@code Range} header asks for ({@link PartialAnswers}),
   * after its conditional headers: sent gzip when {@link #gzipBody} says so.
   */
  private void get(Exchange exchange) throws IOException {
    exchange.setLastingHeader("Vary", AcceptEncoding.HEADER);
    Version version = resolve(exchange);
    RangeHeader asked = PartialAnswers.asked(exchange, version);
    OptionalLong gzip = gzipBody(exchange, version, asked.kind() != RangeHeader.Kind.WHOLE);
    if (notModified(exchange, version, gzip.isPresent())) {
      return;
    }
    if (gzip.isEmpty() && asked.kind() != RangeHeader.Kind.WHOLE) {
      PartialAnswers.answer(exchange, range -> open(exchange, version, range), version, asked);
      return;
    }
    try (ObjectStore.Content content = gzip.isPresent() ? openGzip(exchange, version)
        : open(exchange, version, ByteRange.all(version.size()))) {
      exchange.setHeader("Content-Type", "application/octet-stream");
      content.copyTo(exchange.respond(200, content.size()));
    }
  }

  /** {@code range} of the content: from memory if this server holds it, else where it is kept. */
  private ObjectStore.Content open(Exchange exchange, Version version, ByteRange range)
      throws IOException {
    Optional<ObjectStore.Content> held = objects.openHeld(version, range);
    if (held.isPresent()) {
      return held.get();
    }
    exchange.aboutToWait();
    return objects.open(version, range);
  }

  /** The content as one gzip member, read from the data servers or the metadata store. */
  private ObjectStore.Content openGzip(Exchange exchange, Version version) throws IOException {
    exchange.aboutToWait();
    return objects.openGzip(version).orElseThrow();
  }

  /** Answered from the metadata alone, as the GET without {@code Range} would be. */
  private void head(Exchange exchange) throws IOException {
    exchange.setLastingHeader("Vary", AcceptEncoding.HEADER);
    Version version = resolve(exchange);
    OptionalLong gzip = gzipBody(exchange, version, false);
    if (!notModified(exchange, version, gzip.isPresent())) {
      exchange.setHeader("Content-Type", "application/octet-stream");
      exchange.respond(200, gzip.orElse(version.size()));
    }
  }

  /**
   * The length of the gzip body to send, when the content is stored compressed and {@code
   * Accept-Encoding} prefers gzip to identity: for the whole object, or for a range when the
   * client takes no identity (the range is then ignored, as RFC 9110 allows). Ranges are
   * otherwise sent identity. Empty for identity; a 406 when neither is acceptable.
   */
  private OptionalLong gzipBody(Exchange exchange, Version version, boolean ranged)
      throws IOException {
    Optional<String> header = exchange.header(AcceptEncoding.HEADER);
    AcceptEncoding accepted = AcceptEncoding.of(header);
    OptionalLong gzip = accepted.takesGzip() ? objects.gzipSize(version) : OptionalLong.empty();
    return switch (accepted.choose(gzip.isPresent())) {
      case GZIP -> ranged && accepted.takesIdentity() ? OptionalLong.empty() : gzip;
      case IDENTITY -> OptionalLong.empty();
      // Whether it can be sent gzip is looked up only for a client that takes gzip, or now.
      case NONE -> throw new OstoreException(ErrorCode.NOT_ACCEPTABLE, "object " + version.name()
          + " can be sent " + (gzip.isPresent() || objects.gzipSize(version).isPresent()
              ? "gzip or " : "") + "identity, and " + AcceptEncoding.HEADER + ": "
          + header.orElseThrow() + " takes neither");
    };
  }

  private void delete(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    Optional<String> asked = exchange.query(VERSION);
    if (asked.isPresent()) {
      if (!ConditionalHeaders.ofWrite(exchange).isNone()) {
        throw OstoreException.badRequest("If-Match, If-None-Match and If-Unmodified-Since are"
            + " about the latest version of " + name + ", not about version " + asked.get()
            + " that ?version removes");
      }
      removeVersion(exchange, name, versionNumber(asked.get()));
      return;
    }
    Deletion deletion = metadata.delete(name.value(), ConditionalHeaders.ofWrite(exchange));
    if (!deletion.recorded()) {
      // As the delete found it: a version read afterwards may be one added since.
      throw deletion.tombstone().map(found -> OstoreException.notFound("object " + name
          + " was deleted already, at version " + found.number()))
          .orElseGet(() -> Missing.object(name.value()));
    }
    VersionLines.respond(exchange, deletion.tombstone().orElseThrow());
  }

  /**
   * Removes version {@code number} for good: 204, or 404 when there is no such version. Its
   * content stays stored until a collection finds no version refers to it any more.
   */
  private void removeVersion(Exchange exchange, ObjectName name, long number)
      throws IOException {
    if (metadata.deleteVersion(name.value(), number).isEmpty()) {
      throw OstoreException.notFound("object " + name + " has no version " + number);
    }
    exchange.respond(204, -1);
  }

  /**
   * Sets the version's headers, of its representation sent {@code gzip} or identity; true when
   * its conditional headers made it a 304 (for that representation's entity tag), now answered.
   */
  private static boolean notModified(Exchange exchange, Version version, boolean gzip)
      throws IOException {
    ContentHash hash = version.hash().orElseThrow();
    if (gzip) {
      DigestHeaders.writeGzip(exchange, hash);
    } else {
      DigestHeaders.write(exchange, hash);
    }
    exchange.setHeader("Object-Version", Long.toString(version.number()));
    exchange.setHeader("Object-Size", Long.toString(version.size()));
    exchange.setHeader("Accept-Ranges", "bytes");
    exchange.setHeader("Last-Modified", HttpDates.format(version.created()));
    String etag = gzip ? DigestHeaders.gzipEtag(hash) : DigestHeaders.etag(hash);
    if (ConditionalHeaders.notModified(exchange,
        () -> "version " + version.number() + " of " + version.name(), etag, version.created())) {
      exchange.respond(304, -1); // no Content-Length: a 304's would be the 200's (RFC 9110)
      return true;
    }
    if (gzip) {
      exchange.setHeader("Content-Encoding", "gzip");
    }
    return false;
  }

  /** The version the request asks for; a tombstone, an unknown name or version is a 404. */
  private Version resolve(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    Optional<String> asked = exchange.query(VERSION);
    return objects.resolve(name, asked.isPresent()
        ? OptionalLong.of(versionNumber(asked.get())) : OptionalLong.empty());
  }

  /** A version number: any from 1 to the largest a version can have, else a 400 saying so. */
  private static long versionNumber(String text) throws OstoreException {
    if (text.matches("[1-9][0-9]{0,18}")) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException pastTheLargest) {
        // Refused below, as any other text that is no version number.
      }
    }
    throw OstoreException.badRequest("version must be a whole number from 1 to "
        + Long.MAX_VALUE + ": " + text);
  }
}
