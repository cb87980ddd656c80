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
    response.write(true, answer(code, message, response.getHeaders()), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    return answer(status, reason, fields);
  }

  /** Sets the headers of the answer in {@code fields}, and gives its body. */
  private static ByteBuffer answer(int code, String message, HttpFields.Mutable fields) {
    String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
    String line = text.lines().findFirst().orElse("");
    fields.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    fields.put(ErrorMessageHeader.NAME, ErrorMessageHeader.encode(line));
    return ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
