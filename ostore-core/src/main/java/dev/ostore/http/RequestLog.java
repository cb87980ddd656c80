package dev.ostore.http;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.lang.System.Logger;

/**
 * The one log line of each failed request, whoever answered it (an endpoint, the routing, or the
 * HTTP server refusing a malformed request): server, method, path, status and reason. Expected
 * failures are one line, the cause's message included; only a bug logs a stack trace. What a
 * client sent shows its control characters escaped, in the log as in the answer.
 */
final class RequestLog {
  private static final Logger log = System.getLogger(RequestLog.class.getName());
  /** A path longer than this (a 10,000-character name) is cut in the log. */
  static final int MAX_PATH = 256;

  private RequestLog() {}

  /**
   * Logs an error answer: client errors at INFO, server-side failures at WARNING, each on one
   * line; {@code about}, if not null, follows the path in brackets ({@link Exchange#about});
   * {@code cause}, if any, adds its message unless the reason says it already.
   */
  static void failed(String server, String method, String path, String about, int status,
      String reason, Throwable cause) {
    log.log(status >= 500 ? WARNING : INFO,
        () -> describe(server, method, path) + (about == null ? "" : " (" + printable(about) + ")")
            + " -> " + status + ": " + firstLine(reason) + causeOf(reason, cause));
  }

  /** Logs a bug: an unexpected exception or error (out of memory, say), with its stack trace. */
  static void bug(String server, String method, String path, Throwable e) {
    log.log(ERROR, () -> describe(server, method, path) + " failed unexpectedly", e);
  }

  static String describe(String server, String method, String path) {
    String shown = path.length() <= MAX_PATH ? path
        : path.substring(0, MAX_PATH) + "...";
    return server + " " + printable(method) + " " + printable(shown);
  }

  /** The first line of {@code text}, {@linkplain #printable printable}; empty for null. */
  static String firstLine(String text) {
    return text == null ? "" : printable(text.lines().findFirst().orElse(""));
  }

  /**
   * {@code text} with each control character (C0, DEL, C1) written {@code \\uXXXX}: a name or
   * header a client sent cannot put escape sequences into a terminal showing a log or an answer.
   */
  static String printable(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append(String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  private static String causeOf(String reason, Throwable cause) {
    if (cause == null) {
      return "";
    }
    String message = cause.getMessage();
    if (message != null && reason != null && reason.contains(firstLine(message))) {
      return "";
    }
    return " (" + firstLine(cause.toString()) + ")";
  }
}
