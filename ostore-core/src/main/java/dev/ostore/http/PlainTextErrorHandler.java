package dev.ostore.http;

import dev.ostore.PercentDecoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
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
  /** The start of an absolute target, {@code http://host/path}: a scheme and its colon. */
  private static final Pattern ABSOLUTE_TARGET = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");
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
    Optional<String> problem = controlCharacter("the request line", head.requestLine(), false)
        .or(() -> requestLineProblem(head))
        .or(() -> head.headerLines().stream()
            .flatMap(line -> controlCharacter("a header", line, true).stream()).findFirst())
        .or(() -> lengthProblem(head.headers("Content-Length")))
        .or(() -> TransferEncoding.refusal(head.headers(TransferEncoding.HEADER)));
    if (problem.isPresent()) {
      return RequestLog.firstLine(problem.get());
    }
    String jetty = reason == null ? "" : reason;
    if (jetty.startsWith("Invalid Content-Length")) {
      return "Content-Length is not a whole number of bytes";
    }
    if (jetty.startsWith("Transfer-Encoding and Content-Length")) {
      return "a request with Transfer-Encoding: chunked may not have a Content-Length";
    }
    return jetty.isBlank() ? HttpStatus.getMessage(status) : RequestLog.firstLine(jetty);
  }

  /**
   * The control character {@code line} has, which the server refuses anywhere in a head but for
   * a tab inside a header ({@code tabAllowed}), with the line it is in, escaped.
   */
  private static Optional<String> controlCharacter(String what, String line,
      boolean tabAllowed) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if ((c < 0x20 && !(tabAllowed && c == '\t')) || c == 0x7f) {
        return Optional.of(what + " has a control character (U+" + String.format("%04X", (int) c)
            + "): " + line);
      }
    }
    return Optional.empty();
  }

  /** What is wrong with the request line or its target, if anything. */
  private static Optional<String> requestLineProblem(RequestHead head) {
    if (!head.hasWellFormedRequestLine()) {
      return Optional.of("malformed request line: " + head.requestLine());
    }
    String path = head.path();
    if (!path.startsWith("/")) {
      // Jetty takes an absolute target (http://host/path); anything else is no path.
      return ABSOLUTE_TARGET.matcher(path).lookingAt() ? Optional.empty()
          : Optional.of("the request target must be a path starting with /: " + path);
    }
    if (path.contains("//")) {
      return Optional.of("the path has an empty segment: " + path);
    }
    return pathProblem(path);
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

  /** What is wrong with the request's {@code Content-Length} fields, if anything. */
  private static Optional<String> lengthProblem(List<String> values) {
    if (values.size() > 1) {
      return Optional.of((values.size() == 2 ? "two" : values.size()) + " Content-Length"
          + " headers: " + String.join(", ", values));
    }
    if (values.isEmpty()) {
      return Optional.empty();
    }
    String value = values.get(0);
    if (value.isEmpty()) {
      return Optional.of("Content-Length is empty");
    }
    if (value.matches("-[0-9]+")) {
      return Optional.of("Content-Length is negative: " + value);
    }
    if (!value.matches("[0-9]+")) {
      return Optional.of("Content-Length is not a number: " + value);
    }
    try {
      Long.parseLong(value);
      return Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.of("Content-Length is larger than any body: " + value);
    }
  }
}
