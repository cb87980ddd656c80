package dev.ostore.client;

import java.io.IOException;
import java.net.UnknownHostException;

/**
 * The api server could not be reached: the connection was refused or timed out, the host is
 * unknown or has no route, or a TLS handshake failed. The message names the server's URL and the
 * reason in one line ({@code cannot reach http://127.0.0.1:8080: Connection refused}); the JDK's
 * exception, such as a {@link java.net.ConnectException}, is its cause. Nothing was sent, so
 * retrying the request is safe.
 */
public final class ServerUnreachableException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String server;

  public ServerUnreachableException(String server, IOException cause) {
    super("cannot reach " + server + ": " + reason(cause), cause);
    this.server = server;
  }

  /** The URL of the server, as the client was built with it. */
  public String server() {
    return server;
  }

  private static String reason(IOException cause) {
    if (cause instanceof UnknownHostException) {
      return "unknown host " + cause.getMessage();
    }
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.getClass().getSimpleName()
        : message.lines().findFirst().orElse(message);
  }
}
