package dev.ostore.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The head of a request as it arrived, unparsed by the HTTP server: its request line and header
 * lines, from which a request the server refused is described. Tolerant of anything, since the
 * request it describes is malformed; a head cut short (a request line too long) still names its
 * method and the start of its target.
 */
record RequestHead(String requestLine, List<String> headerLines) {
  /** Reads the head at the start of {@code raw}, up to its first empty line. */
  static RequestHead parse(String raw) {
    List<String> lines = raw.replaceFirst("^[\r\n]+", "").lines()
        .takeWhile(line -> !line.isEmpty()).toList();
    return lines.isEmpty() ? new RequestHead("", List.of())
        : new RequestHead(lines.get(0), lines.subList(1, lines.size()));
  }

  /** Whether the request line is a method, a target and an HTTP version, one space apart. */
  boolean hasWellFormedRequestLine() {
    String[] parts = requestLine.split(" ", -1);
    return parts.length == 3 && !parts[0].isEmpty() && !parts[1].isEmpty()
        && parts[2].startsWith("HTTP/");
  }

  /** The method; "-" when the request line is not a request line, even one cut short. */
  String method() {
    return parts().map(parts -> parts[0]).orElse("-");
  }

  /** The target's path (the query left out); "-" as for {@link #method()}. */
  String path() {
    return parts().map(parts -> parts[1].split("\\?", 2)[0]).orElse("-");
  }

  /** The method and target of a well-formed request line, or of one cut before its version. */
  private Optional<String[]> parts() {
    String[] parts = requestLine.split(" ", -1);
    boolean cut = parts.length == 2 && !requestLine.contains(" HTTP/");
    return (hasWellFormedRequestLine() || cut) && !parts[1].isEmpty()
        ? Optional.of(parts) : Optional.empty();
  }

  /** The value of the first header named {@code name} (in any case), trimmed. */
  Optional<String> header(String name) {
    return headers(name).stream().findFirst();
  }

  /** The value of every header named {@code name} (in any case), trimmed, in order. */
  List<String> headers(String name) {
    List<String> values = new ArrayList<>();
    for (String line : headerLines) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
        values.add(line.substring(colon + 1).strip());
      }
    }
    return values;
  }
}
