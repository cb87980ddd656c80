package dev.ostore.server.api;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.http.DigestHeaders;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.metadata.Deletion;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.Version;
import dev.ostore.stream.GetStream;
import dev.ostore.stream.VerifiedCopy;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * {@code /objects/}: {@code PUT} stores a new version of a name, {@code GET} and {@code HEAD}
 * read the latest or a given version ({@code ?version=N}), {@code DELETE} adds a tombstone, and
 * {@code GET /objects/} lists the live objects. Bytes stream between the client and a data server,
 * checked against their SHA-256 both ways.
 */
final class ObjectsEndpoints {
  static final String PREFIX = "/objects/";
  static final String OBJECT = PREFIX + "{name}";

  private static final String VERSION = "version";

  private final MetadataStore metadata;
  private final Contents contents;

  ObjectsEndpoints(MetadataStore metadata, Contents contents) {
    this.metadata = metadata;
    this.contents = contents;
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
    Contents.Stored stored = contents.store(exchange, name, DigestHeaders.read(exchange));
    Version version = metadata.add(name.value(), stored.size(), stored.hash());
    DigestHeaders.write(exchange, stored.hash());
    VersionLines.respond(exchange, version);
  }

  /** The live objects, each by its latest version. */
  private void list(Exchange exchange) throws IOException {
    String prefix = exchange.query(VersionLines.PREFIX_PARAMETER).orElse("");
    VersionLines.respond(exchange, (after, limit) -> metadata.latestVersions(prefix, after, limit));
  }

  private void get(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    Version version = resolve(name, exchange);
    if (notModified(exchange, version)) {
      return;
    }
    ContentHash hash = version.hash().orElseThrow();
    Contents.Located located = contents.open(hash);
    try (GetStream in = located.stream()) {
      if (in.length() != version.size()) {
        contents.forget(hash);
        throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "data server "
            + located.server() + " holds " + in.length() + " bytes for " + name + ", not "
            + version.size());
      }
      exchange.setHeader("Content-Type", "application/octet-stream");
      OutputStream out = exchange.respond(200, version.size());
      if (!VerifiedCopy.copy(in, out, hash, version.size())) {
        contents.forget(hash);
        throw new OstoreException(ErrorCode.DATA_SERVER_FAILED, "data server "
            + located.server() + " sent bytes for " + name + " that do not match its SHA-256");
      }
    }
  }

  /** Answered from the metadata alone: no data server is asked. */
  private void head(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(PREFIX);
    Version version = resolve(name, exchange);
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
    if (DigestHeaders.matchesIfNoneMatch(exchange, hash)) {
      exchange.respond(304, 0);
      return true;
    }
    return false;
  }

  /** The version the request asks for; a tombstone, an unknown name or version is a 404. */
  private Version resolve(ObjectName name, Exchange exchange) throws IOException {
    Optional<String> asked = exchange.query(VERSION);
    Optional<Version> version;
    if (asked.isPresent()) {
      long number = versionNumber(asked.get());
      version = metadata.version(name.value(), number);
      if (version.isEmpty()) {
        throw OstoreException.notFound("object " + name + " has no version " + number);
      }
    } else {
      version = metadata.latest(name.value());
    }
    if (version.isEmpty()) {
      throw Missing.object(name.value());
    }
    if (version.get().isTombstone()) {
      throw Missing.deleted(name.value(), version.get().number());
    }
    return version.get();
  }

  private static long versionNumber(String text) throws OstoreException {
    if (text.matches("[1-9][0-9]{0,17}")) {
      return Long.parseLong(text);
    }
    throw OstoreException.badRequest("version must be a whole number from 1 up: " + text);
  }
}
