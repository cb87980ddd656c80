package dev.ostore.server.api;

import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.http.ConditionalHeaders;
import dev.ostore.http.Endpoint;
import dev.ostore.http.Exchange;
import dev.ostore.http.HttpDates;
import dev.ostore.upload.Uploads;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.regex.Pattern;

/**
 * What the two resumable-upload protocols of the api server, the tutorial's ({@code /temp/},
 * {@link UploadsEndpoints}) and tus ({@code /files/}, {@link TusEndpoints}), do alike: the same
 * headers for where an upload stands, sizes in decimal only, tokens in the path, and appends that
 * answer a wrong offset with the right one.
 */
final class UploadExchanges {
  static final String UPLOAD_OFFSET = "Upload-Offset";
  private static final Pattern SIZE = Pattern.compile("[0-9]{1,18}");

  private UploadExchanges() {}

  /** Sets {@code Upload-Offset}, {@code Upload-Length} and {@code Upload-Expires}. */
  static void setHeaders(Exchange exchange, Uploads.Status upload) {
    exchange.setHeader(UPLOAD_OFFSET, Long.toString(upload.offset()));
    exchange.setHeader("Upload-Length", Long.toString(upload.size()));
    exchange.setHeader("Upload-Expires", HttpDates.format(upload.expires()));
  }

  /**
   * A 400 when the start of an upload of {@code name} carries a write condition ({@code
   * If-Match}, {@code If-None-Match}, {@code If-Unmodified-Since}): checked there, it could be
   * stale by the upload's last byte; not taken, it would be lost without a word.
   */
  static void refuseConditions(Exchange exchange, ObjectName name) throws OstoreException {
    if (!ConditionalHeaders.ofWrite(exchange).isNone()) {
      throw OstoreException.badRequest("a resumable upload of " + name + " takes no If-Match,"
          + " If-None-Match or If-Unmodified-Since: only PUT /objects/" + name
          + " writes under a condition");
    }
  }

  /** A number of bytes given in header {@code name}: decimal digits only, else a 400. */
  static long bytes(String name, String value) throws OstoreException {
    if (!SIZE.matcher(value).matches()) {
      throw OstoreException.badRequest(name + " must be a decimal number of bytes: " + value);
    }
    return Long.parseLong(value);
  }

  /** The upload token: the rest of the path after {@code prefix}. */
  static String token(Exchange exchange, String prefix) {
    return exchange.path().substring(prefix.length());
  }

  /**
   * {@code endpoint}, on an upload whose token follows {@code prefix} in the path, with the log
   * line of a failure naming the upload's object, which the path does not: looked up only when
   * it failed, and not named when there is none (a token forged, expired or of an upload over).
   */
  static Endpoint namingTheObject(Uploads uploads, String prefix, Endpoint endpoint) {
    return exchange -> {
      try {
        endpoint.handle(exchange);
      } catch (OstoreException e) {
        try {
          exchange.about("object " + uploads.status(token(exchange, prefix)).name());
        } catch (IOException none) {
          // No upload to name an object of; the error says why.
        }
        throw e;
      }
    };
  }

  /**
   * Appends the request body to upload {@code token} at {@code offset}, as {@link
   * Uploads#append} does. An offset other than the bytes held is answered with them in {@code
   * Upload-Offset}, and with the error {@code wrongOffset} makes of them in the words of the
   * protocol: a client needs both to resume.
   */
  static Uploads.Appended append(Uploads uploads, Exchange exchange, String token, long offset,
      Optional<byte[]> bodySha256, LongFunction<OstoreException> wrongOffset)
      throws IOException {
    try (InputStream body = exchange.requestBody()) {
      return uploads.append(token, offset, exchange.requestLength(), body, bodySha256);
    } catch (OstoreException e) {
      if (e.code() != ErrorCode.WRONG_OFFSET) {
        throw e;
      }
      long held = uploads.status(token).offset();
      exchange.setLastingHeader(UPLOAD_OFFSET, Long.toString(held));
      throw wrongOffset.apply(held);
    }
  }
}
