package dev.ostore.http;

import dev.ostore.PercentDecoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the requests the HTTP server refuses by itself, before any endpoint sees them (a
 * malformed target, a bad {@code Content-Length}, a head too large), the way ostore answers its
 * own errors: a one-line plain-text reason saying what is wrong, and a log line with the method
 * and path, read from the raw head since the server could not parse them.
 */
final class PlainTextErrorHandler implements Request.Handler {
  private final String serverName;
  private final int maxHeadBytes;
  private final RequestObserver observer;

  PlainTextErrorHandler(String serverName, int maxHeadBytes, RequestObserver observer) {
    this.serverName = serverName;
    this.maxHeadBytes = maxHeadBytes;
    this.observer = observer;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer code
        ? code : HttpStatus.INTERNAL_SERVER_ERROR_500;
    String reason = (String) request.getAttribute(ErrorHandler.ERROR_MESSAGE);
    // Read from the raw head: a request whose target Jetty could not parse is "BAD /badMessage".
    RequestHead head = RequestHead.parse(HeadKeepingConnectionFactory.headOf(request)
        .orElse(request.getMethod() + " " + request.getHttpURI().getPathQuery() + " HTTP/1.1"));
    String message;
    boolean routed = request.getAttribute(RoutingHandler.ROUTED) != null;
    if (routed) {
      // An endpoint's failure, logged already by the routing.
      message = reason == null || reason.isBlank() ? HttpStatus.getMessage(status)
          : RequestLog.firstLine(reason);
    } else {
      message = explain(status, reason, head);
      RequestLog.failed(serverName, head.method(), head.path(), null, status, message, null);
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.getHeaders().put(ErrorMessageHeader.NAME, ErrorMessageHeader.encode(message));
    byte[] body = HttpMethod.HEAD.is(head.method()) ? new byte[0]
        : (message + "\n").getBytes(StandardCharsets.UTF_8);
    if (!routed) {
      // The routing counted its own requests; these it never saw.
      observer.answered(RequestObserver.REFUSED, RoutingHandler.boundedMethod(head.method()),
          status, 0, body.length, request.getBeginNanoTime());
    }
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  /** What is wrong with a refused request, as precisely as its head tells. */
  String explain(int status, String reason, RequestHead head) {
    if (status == HttpStatus.URI_TOO_LONG_414) {
      return "the request line is longer than the " + maxHeadBytes + " bytes this server reads";
    }
    if (status == HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431) {
      return "the request head is larger than the " + maxHeadBytes + " bytes this server reads";
    }
    if (!head.hasWellFormedRequestLine()) {
      return "malformed request line: " + RequestLog.firstLine(head.requestLine());
    }
    Optional<String> pathProblem = pathProblem(head.path());
    if (pathProblem.isPresent()) {
      return pathProblem.get();
    }
    String jetty = reason == null ? "" : reason;
    if (jetty.startsWith("Invalid Content-Length")) {
      return head.header("Content-Length").map(PlainTextErrorHandler::badLength)
          .orElse("Content-Length is not a whole number of bytes");
    }
    if (jetty.startsWith("Transfer-Encoding and Content-Length")) {
      return "a request with Transfer-Encoding: chunked may not have a Content-Length";
    }
    return jetty.isBlank() ? HttpStatus.getMessage(status) : RequestLog.firstLine(jetty);
  }

  /** What ostore's own strict decoding finds wrong with a path, if anything. */
  private static Optional<String> pathProblem(String path) {
    try {
      if (PercentDecoding.decode(path, "the path").indexOf('\0') >= 0) {
        return Optional.of("the path contains an encoded NUL character (%00)");
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static String badLength(String value) {
    if (value.matches("-[0-9]+")) {
      return "Content-Length is negative: " + value;
    }
    if (value.matches("[0-9]+")) {
      return "Content-Length is too large: " + value;
    }
    return "Content-Length is not a number: " + value;
  }
}
