package dev.ostore.server.api;

import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.http.DigestHeaders;
import dev.ostore.http.Endpoint;
import dev.ostore.http.Exchange;
import dev.ostore.http.Routes;
import dev.ostore.metadata.Version;
import dev.ostore.upload.Uploads;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * tus 1.0.0 (https://tus.io/protocols/resumable-upload) at {@code /files/}, with its creation,
 * termination, expiration and checksum (sha256) extensions, over the same {@link Uploads} as
 * {@code /temp/}: {@code POST /files/} creates an upload of the object its {@code
 * Upload-Metadata} names ({@link TusMetadata}), {@code HEAD} and {@code PATCH} on its {@code
 * /files/<token>} resume and append, {@code DELETE} terminates it. Every answer carries {@code
 * Tus-Resumable}, and every request but {@code OPTIONS} must. See docs/protocol.md.
 */
final class TusEndpoints {
  static final String PREFIX = "/files/";
  private static final String VERSION = "1.0.0";
  private static final String EXTENSIONS = "creation,termination,expiration,checksum";
  private static final String CHECKSUM_ALGORITHM = "sha256";
  private static final String TUS_RESUMABLE = "Tus-Resumable";
  private static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";
  /** The creation URL with and without its slash: the specification's examples use /files. */
  private static final String[] CREATION = {PREFIX, "/files"};

  private final Uploads uploads;

  TusEndpoints(Uploads uploads) {
    this.uploads = uploads;
  }

  void addTo(Routes.Builder routes) {
    for (String creation : CREATION) {
      routes.add("OPTIONS", creation, TusEndpoints::options)
          .add("POST", creation, this::create)
          .guard(creation, TusEndpoints::guard);
    }
    routes.add("HEAD", PREFIX + "{token}", naming(this::head))
        .add("PATCH", PREFIX + "{token}", naming(this::patch))
        .add("DELETE", PREFIX + "{token}", naming(this::terminate))
        .guard(PREFIX + "{token}", TusEndpoints::guard);
  }

  /** Tus-Resumable on every answer, errors too; a version other than 1.0.0 is a 412. */
  private static void guard(Exchange exchange) throws OstoreException {
    exchange.setLastingHeader(TUS_RESUMABLE, VERSION);
    if (exchange.method().equals("OPTIONS")) {
      return; // tus asks the server to ignore the header on OPTIONS
    }
    Optional<String> version = exchange.header(TUS_RESUMABLE);
    if (version.filter(VERSION::equals).isEmpty()) {
      exchange.setLastingHeader("Tus-Version", VERSION);
      throw new OstoreException(ErrorCode.PRECONDITION_FAILED, version.isEmpty()
          ? "a tus request needs " + TUS_RESUMABLE + ": " + VERSION
          : "this server speaks tus " + VERSION + ", not " + version.get());
    }
  }

  private static void options(Exchange exchange) throws IOException {
    exchange.setHeader("Tus-Version", VERSION);
    exchange.setHeader("Tus-Extension", EXTENSIONS);
    exchange.setHeader("Tus-Checksum-Algorithm", CHECKSUM_ALGORITHM);
    exchange.respond(204, -1);
  }

  /**
   * Creation: an upload of {@code Upload-Length} bytes. tus declares no digest, so content that
   * is stored already cannot be known: every creation starts an upload. An empty one is complete
   * at once, as tus says, and recorded.
   */
  private void create(Exchange exchange) throws IOException {
    refuseUnsupported(exchange);
    String length = exchange.singleHeader("Upload-Length").orElseThrow(() -> OstoreException
        .badRequest("a tus creation needs Upload-Length, the upload's size in bytes"));
    long size = UploadExchanges.bytes("Upload-Length", length);
    ObjectName name = TusMetadata.objectName(exchange.singleHeader(TusMetadata.HEADER));
    UploadExchanges.refuseConditions(exchange, name);
    Uploads.Status upload = uploads.start(name, size, Optional.empty()).upload().orElseThrow();
    exchange.setHeader("Location", PREFIX + upload.token());
    if (size == 0) {
      Uploads.Appended done = uploads.append(upload.token(), 0, OptionalLong.of(0),
          InputStream.nullInputStream(), Optional.empty());
      setVersionHeaders(exchange, done.version().orElseThrow());
      exchange.setHeader(UploadExchanges.UPLOAD_OFFSET, "0");
    } else {
      UploadExchanges.setHeaders(exchange, upload);
    }
    exchange.respond(201, 0);
  }

  /** The extensions ostore does not offer, refused rather than misread. */
  private static void refuseUnsupported(Exchange exchange) throws OstoreException {
    if (exchange.header("Upload-Defer-Length").isPresent()) {
      throw OstoreException.badRequest("Upload-Defer-Length is not supported: ostore lays out"
          + " an object by its size, so a tus creation needs Upload-Length");
    }
    if (exchange.header("Upload-Concat").isPresent()) {
      throw OstoreException.badRequest("Upload-Concat is not supported: ostore has no tus"
          + " concatenation");
    }
    if (exchange.hasBody() || isOffsetOctetStream(exchange)) {
      throw OstoreException.badRequest("creation-with-upload is not supported: a tus creation"
          + " takes no body; PATCH it to the upload's Location");
    }
  }

  /** Core: where the upload stands, and which object it makes. */
  private void head(Exchange exchange) throws IOException {
    Uploads.Status upload = uploads.status(token(exchange));
    UploadExchanges.setHeaders(exchange, upload);
    exchange.setHeader(TusMetadata.HEADER, TusMetadata.of(upload.name()));
    exchange.setHeader("Cache-Control", "no-store");
    exchange.respond(200, 0);
  }

  /**
   * Core and checksum: appends the body at {@code Upload-Offset}; the append that brings in the
   * last byte records the version, and its answer carries the version's {@code ETag}, digests
   * and {@code Object-Version}.
   */
  private void patch(Exchange exchange) throws IOException {
    String token = token(exchange);
    if (!isOffsetOctetStream(exchange)) {
      throw new OstoreException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "a tus PATCH takes"
          + " Content-Type: " + OFFSET_OCTET_STREAM + ", not "
          + exchange.header("Content-Type").orElse("none"));
    }
    long offset = UploadExchanges.bytes(UploadExchanges.UPLOAD_OFFSET,
        exchange.singleHeader(UploadExchanges.UPLOAD_OFFSET).orElseThrow(() -> OstoreException
            .badRequest("a tus PATCH needs Upload-Offset, the bytes the upload holds")));
    Optional<byte[]> checksum = checksum(exchange);
    Uploads.Appended appended = UploadExchanges.append(uploads, exchange, token, offset,
        checksum, held -> new OstoreException(ErrorCode.CONFLICT, "the upload holds " + held
            + " bytes, not " + offset + ": PATCH with Upload-Offset: " + held));
    if (appended.version().isPresent()) {
      setVersionHeaders(exchange, appended.version().get());
      exchange.setHeader(UploadExchanges.UPLOAD_OFFSET,
          Long.toString(appended.status().offset()));
    } else {
      UploadExchanges.setHeaders(exchange, appended.status());
    }
    exchange.respond(204, -1);
  }

  /** Termination: the upload's shards and row are deleted. */
  private void terminate(Exchange exchange) throws IOException {
    uploads.cancel(token(exchange));
    exchange.respond(204, -1);
  }

  /** The SHA-256 that {@code Upload-Checksum: sha256 <base64>} gives the body, if any. */
  private static Optional<byte[]> checksum(Exchange exchange) throws OstoreException {
    Optional<String> header = exchange.singleHeader("Upload-Checksum");
    if (header.isEmpty()) {
      return Optional.empty();
    }
    String[] parts = header.get().strip().split(" ", -1);
    if (parts.length != 2 || !parts[0].equals(CHECKSUM_ALGORITHM)) {
      throw OstoreException.badRequest("Upload-Checksum must be " + CHECKSUM_ALGORITHM
          + " <base64>, the only algorithm this server checks: " + header.get());
    }
    try {
      byte[] sha256 = Base64.getDecoder().decode(parts[1]);
      if (sha256.length == 32) {
        return Optional.of(sha256);
      }
    } catch (IllegalArgumentException e) {
      // Refused below, as a checksum of the wrong length is.
    }
    throw OstoreException.badRequest("Upload-Checksum's value is not a SHA-256 in base64: "
        + parts[1]);
  }

  private static boolean isOffsetOctetStream(Exchange exchange) {
    return exchange.header("Content-Type").map(String::strip)
        .filter(OFFSET_OCTET_STREAM::equalsIgnoreCase).isPresent();
  }

  private static void setVersionHeaders(Exchange exchange, Version version) {
    DigestHeaders.write(exchange, version.hash().orElseThrow());
    exchange.setHeader("Object-Version", Long.toString(version.number()));
  }

  private static String token(Exchange exchange) {
    return UploadExchanges.token(exchange, PREFIX);
  }

  private Endpoint naming(Endpoint endpoint) {
    return UploadExchanges.namingTheObject(uploads, PREFIX, endpoint);
  }
}
