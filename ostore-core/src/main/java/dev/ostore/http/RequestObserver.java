package dev.ostore.http;

/**
 * Learns of every request a server answered, whoever answered it: an endpoint, the routing (404,
 * 405, 400 for the query), or the HTTP server refusing a malformed request before any routing.
 * Each value it is given comes from a small fixed set, so it may become a metric's label as it
 * is: the endpoint is a route's pattern, never the request's path. It runs on the request's
 * thread once the answer is complete, so it must be quick and must not block.
 */
@FunctionalInterface
public interface RequestObserver {
  /** The endpoint of a request whose path is under no route (answered 404). */
  String NO_ENDPOINT = "none";
  /** The endpoint of a request the HTTP server refused before routing it (malformed). */
  String REFUSED = "refused";
  /** The method of a request whose method is none of the standard ones. */
  String OTHER_METHOD = "OTHER";
  /** The status of a request whose answer was cut off, or never sent: the connection failed. */
  int ABORTED = 0;
  /** Observes nothing. */
  RequestObserver NONE = (endpoint, method, status, bytesIn, bytesOut, beganNanos) -> {};

  /**
   * A request was answered. {@code method} is a standard method (GET, HEAD, PUT, POST, DELETE,
   * PATCH, OPTIONS, TRACE, CONNECT) or {@link #OTHER_METHOD}; {@code bytesIn} and {@code
   * bytesOut} count the bodies read and sent (a HEAD answer sends none); {@code beganNanos} is
   * {@link System#nanoTime()} when the server began to read the request.
   */
  void answered(String endpoint, String method, int status, long bytesIn, long bytesOut,
      long beganNanos);
}
