package dev.ostore.server.api;

import dev.ostore.ContentHash;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.http.DigestHeaders;
import dev.ostore.http.Exchange;
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
 * {@code DELETE} adds a tombstone, and
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
        .add("DELETE", OBJECT, this::delete);
  }

  /**
   * Stores the body under its hash, then adds the version: no version ever names content that is
   * not stored. Answers the new version as a line of JSON, with its digest headers.
   */
  private void put(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    Optional<ContentHash> declared = DigestHeaders.read(exchange);
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
   * after {@code If-None-Match}.
   */
  private void get(Exchange exchange) throws IOException {
    Version version = resolve(exchange);
    if (notModified(exchange, version)) {
      return;
    }
    RangeHeader asked = PartialAnswers.asked(exchange, version);
    if (asked.kind() != RangeHeader.Kind.WHOLE) {
      PartialAnswers.answer(exchange, objects, version, asked);
      return;
    }
    try (ObjectStore.Content content = objects.open(version)) {
      exchange.setHeader("Content-Type", "application/octet-stream");
      content.copyTo(exchange.respond(200, version.size()));
    }
  }

  /** Answered from the metadata alone: no data server is asked. */
  private void head(Exchange exchange) throws IOException {
    Version version = resolve(exchange);
    if (!notModified(exchange, version)) {
      exchange.setHeader("Content-Type", "application/octet-stream");
      exchange.respond(200, version.size());
    }
  }

  private void delete(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    Deletion deletion = metadata.delete(name.value());
    if (!deletion.recorded()) {
      // As the delete found it: a version read afterwards may be one added since.
      throw deletion.tombstone().map(found -> OstoreException.notFound("object " + name
          + " was deleted already, at version " + found.number()))
          .orElseGet(() -> Missing.object(name.value()));
    }
    VersionLines.respond(exchange, deletion.tombstone().orElseThrow());
  }

  /** Sets the version's headers; true when {@code If-None-Match} made it a 304, now answered. */
  private static boolean notModified(Exchange exchange, Version version) throws IOException {
    ContentHash hash = version.hash().orElseThrow();
    DigestHeaders.write(exchange, hash);
    exchange.setHeader("Object-Version", Long.toString(version.number()));
    exchange.setHeader("Accept-Ranges", "bytes");
    if (DigestHeaders.matchesIfNoneMatch(exchange, hash)) {
      exchange.respond(304, 0);
      return true;
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

  private static long versionNumber(String text) throws OstoreException {
    if (text.matches("[1-9][0-9]{0,17}")) {
      return Long.parseLong(text);
    }
    throw OstoreException.badRequest("version must be a whole number from 1 up: " + text);
  }
}
