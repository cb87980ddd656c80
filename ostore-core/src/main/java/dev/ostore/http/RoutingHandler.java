package dev.ostore.http;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.OstoreException;
import java.io.IOException;
import java.lang.System.Logger;
import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Runs the {@link Endpoint} a request is routed to, on a thread that may block, and turns whatever
 * it throws into an answer. An error before any of the response was sent becomes its status and a
 * one-line message; an error after that aborts the connection, so the client sees a broken
 * transfer and never mistakes a cut body for a whole one. Every error is logged with the method
 * and path.
 */
final class RoutingHandler extends Handler.Abstract {
  private static final Logger log = System.getLogger(RoutingHandler.class.getName());
  /**
   * How much of a body an error answered before reading it is read and dropped: a client still
   * sending (HttpURLConnection, say) only sees the answer once its body is in; past this the
   * connection is closed instead. Clients that wait for {@code 100 Continue} send nothing.
   */
  static final long UNREAD_BODY_LIMIT = 16 * 1024 * 1024;

  private final String serverName;
  private final Routes routes;

  RoutingHandler(String serverName, Routes routes) {
    this.serverName = serverName;
    this.routes = routes;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Exchange exchange = new Exchange(request, response);
    try {
      route(exchange);
      exchange.finish();
      callback.succeeded();
    } catch (OstoreException e) {
      int status = ErrorStatus.of(e.code());
      log.log(status >= 500 ? WARNING : INFO,
          () -> describe(exchange) + " -> " + status + ": " + e.getMessage(),
          status >= 500 ? e.getCause() : null);
      answerError(exchange, callback, status, e.getMessage(), e);
    } catch (IOException e) {
      // Not an ostore error: the connection to the client itself failed, nothing to answer.
      log.log(DEBUG, () -> describe(exchange) + " connection failed: " + e);
      callback.failed(e);
    } catch (RuntimeException e) {
      log.log(ERROR, () -> describe(exchange) + " failed unexpectedly", e);
      answerError(exchange, callback, 500, "internal error: " + e, e);
    }
    return true;
  }

  private void route(Exchange exchange) throws IOException {
    String path = exchange.path();
    Optional<String> prefix = routes.prefixOf(path);
    if (prefix.isEmpty()) {
      throw OstoreException.notFound("no endpoint at " + path);
    }
    Optional<Endpoint> endpoint = routes.endpoint(prefix.get(), exchange.method());
    if (endpoint.isPresent()) {
      endpoint.get().handle(exchange);
      return;
    }
    String allowed = String.join(", ", routes.methods(prefix.get()));
    exchange.setHeader("Allow", allowed);
    exchange.respondError(405,
        "method " + exchange.method() + " is not allowed on " + prefix.get() + "; use " + allowed);
  }

  private static void answerError(Exchange exchange, Callback callback, int status,
      String message, Throwable cause) {
    // An endpoint may have started a response it has sent nothing of yet: the error replaces it.
    if (exchange.isSent()) {
      callback.failed(cause);
      return;
    }
    try {
      exchange.resetForError();
      exchange.discardRequestBody(UNREAD_BODY_LIMIT);
      // One line, as promised: a client shows it as is, and the log has the whole message.
      exchange.respondError(status, message.lines().findFirst().orElse(""));
      callback.succeeded();
    } catch (IOException | RuntimeException e) {
      callback.failed(e);
    }
  }

  private String describe(Exchange exchange) {
    return serverName + " " + exchange.method() + " " + exchange.path();
  }
}
