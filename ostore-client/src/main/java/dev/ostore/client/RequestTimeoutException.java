package dev.ostore.client;

import java.net.SocketTimeoutException;

/**
 * The server sent nothing for the client's whole request timeout ({@link
 * OstoreClient.Builder#requestTimeout}), before its answer or part way through its body. The
 * message names the request, the server and the timeout in one line ({@code HEAD
 * /objects/notes.txt: nothing came from http://127.0.0.1:8080 for 60 s}); the JDK's own
 * exception ({@code Read timed out}) is its cause. It is a {@link SocketTimeoutException}, as
 * the JDK's is, so code that catches that catches this too. Whether the server acted on the
 * request is not known.
 */
public final class RequestTimeoutException extends SocketTimeoutException {
  private static final long serialVersionUID = 1L;

  RequestTimeoutException(String request, String server, int timeoutMillis,
      SocketTimeoutException cause) {
    super(request + ": nothing came from " + server + " for " + duration(timeoutMillis));
    initCause(cause);
  }

  /** Whole seconds as such (the default is 60 s), else milliseconds. */
  private static String duration(int millis) {
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }
}
