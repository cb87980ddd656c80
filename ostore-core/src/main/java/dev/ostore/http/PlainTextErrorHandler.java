package dev.ostore.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the errors the HTTP server raises by itself (a malformed request line, an ambiguous
 * path, headers too large) the way ostore answers its own: a one-line plain-text message, never
 * an HTML page.
 */
final class PlainTextErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(Request request, Response response, int code, String message,
      Throwable cause, Callback callback) throws IOException {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.write(true, body(code, message), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    return body(status, reason);
  }

  private static ByteBuffer body(int code, String message) {
    String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
    return ByteBuffer.wrap((text.lines().findFirst().orElse("") + "\n")
        .getBytes(StandardCharsets.UTF_8));
  }
}
