package dev.ostore.server.api;

import dev.ostore.ContentHash;
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
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resumable uploads, the tutorial's protocol with its flaws fixed: {@code POST /objects/<name>}
 * with {@code Size} (and a digest) starts one and answers its {@code /temp/<token>}; {@code HEAD}
 * there tells the bytes held, {@code PUT} with {@code Range: bytes=<offset>-} appends, and {@code
 * DELETE} cancels. See docs/protocol.md.
 */
final class UploadsEndpoints {
  static final String PREFIX = "/temp/";
  private static final Pattern RANGE = Pattern.compile("bytes=([0-9]{1,18})-");

  private final Uploads uploads;

  UploadsEndpoints(Uploads uploads) {
    this.uploads = uploads;
  }

  void addTo(Routes.Builder routes) {
    routes.add("POST", ObjectsEndpoints.OBJECT, this::start)
        .add("HEAD", PREFIX + "{token}", naming(this::head))
        .add("PUT", PREFIX + "{token}", naming(this::put))
        .add("DELETE", PREFIX + "{token}", naming(this::delete));
  }

  private void start(Exchange exchange) throws IOException {
    ObjectName name = exchange.objectName(ObjectsEndpoints.PREFIX);
    String size = exchange.singleHeader("Size").orElseThrow(() -> OstoreException.badRequest(
        "POST /objects/" + name + " needs the object's Size in bytes"));
    long bytes = UploadExchanges.bytes("Size", size);
    if (exchange.hasBody()) {
      throw OstoreException.badRequest("POST /objects/" + name + " takes no body: send it with"
          + " PUT to the upload it answers");
    }
    Optional<ContentHash> declared = DigestHeaders.read(exchange);
    UploadExchanges.refuseConditions(exchange, name);
    Uploads.Started started = uploads.start(name, bytes, declared);
    if (started.version().isPresent()) {
      respond(exchange, started.version().get());
      return;
    }
    Uploads.Status upload = started.upload().orElseThrow();
    String location = PREFIX + upload.token();
    exchange.setHeader("Location", location);
    UploadExchanges.setHeaders(exchange, upload);
    exchange.respondText(201, location);
  }

  /** The bytes held, as the tutorial tells them: in {@code Content-Length}. */
  private void head(Exchange exchange) throws IOException {
    Uploads.Status upload = uploads.status(token(exchange));
    UploadExchanges.setHeaders(exchange, upload);
    exchange.setHeader("Cache-Control", "no-store");
    exchange.respond(200, upload.offset());
  }

  private void put(Exchange exchange) throws IOException {
    Uploads.Appended appended = UploadExchanges.append(uploads, exchange, token(exchange),
        offset(exchange), Optional.empty(), held -> new OstoreException(ErrorCode.WRONG_OFFSET,
            "the upload holds " + held + " bytes: send the rest with Range: bytes=" + held
                + "-"));
    if (appended.version().isPresent()) {
      respond(exchange, appended.version().get());
      return;
    }
    Uploads.Status upload = appended.status();
    UploadExchanges.setHeaders(exchange, upload);
    exchange.respondText(200, "held " + upload.offset() + " of " + upload.size() + " bytes");
  }

  private void delete(Exchange exchange) throws IOException {
    uploads.cancel(token(exchange));
    exchange.respond(204, -1);
  }

  private static void respond(Exchange exchange, Version version) throws IOException {
    DigestHeaders.write(exchange, version.hash().orElseThrow());
    VersionLines.respond(exchange, version);
  }

  private static String token(Exchange exchange) {
    return UploadExchanges.token(exchange, PREFIX);
  }

  private Endpoint naming(Endpoint endpoint) {
    return UploadExchanges.namingTheObject(uploads, PREFIX, endpoint);
  }

  /** Where a {@code PUT} appends: {@code Range: bytes=<offset>-}, or 0 without one. */
  private static long offset(Exchange exchange) throws OstoreException {
    Optional<String> range = exchange.singleHeader("Range");
    if (range.isEmpty()) {
      return 0;
    }
    Matcher matcher = RANGE.matcher(range.get().strip());
    if (!matcher.matches()) {
      throw OstoreException.badRequest("Range must be bytes=<offset>-, the offset in decimal: "
          + range.get());
    }
    return Long.parseLong(matcher.group(1));
  }
}
