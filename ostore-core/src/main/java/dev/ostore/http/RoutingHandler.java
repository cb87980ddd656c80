package dev.ostore.http;

import static java.lang.System.Logger.Level.DEBUG;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Runs the {@link Endpoint} a request is routed to, on a thread that may block, and turns whatever
 * it throws into an answer. When some routes are {@linkplain Routes.Builder#answerQuickly answered
 * quickly}, Jetty calls this handler on the thread that read the request: a request on such a
 * route, without a body, is tried there, and every other request, or one whose endpoint was about
 * to wait, failed or answered at length, is handed to a thread of the server's pool and run from
 * the start. Before the endpoint runs, the request is checked: a {@code Transfer-Encoding}
 * other than chunked is a 400, an unknown path a 404, then the pattern's guard runs if it has
 * one, then a method the path does not serve is a 405, a query parameter the route does not take
 * a 400.
 * An error before any of the response was sent becomes its status and a one-line message; an
 * error after that aborts the connection, so the client sees a broken transfer and never mistakes
 * a cut body for a whole one. Every error is logged by {@link RequestLog}.
 */
final class RoutingHandler extends Handler.Abstract {
  private static final Logger log = System.getLogger(RoutingHandler.class.getName());
  /** Marks a request this handler took, so that the error handler does not log it again. */
  static final String ROUTED = RoutingHandler.class.getName() + ".routed";
  /**
   * How much of a body is read and dropped after an error answered before all of it was read,
   * and for how long: a client that reads only once it has sent everything (HttpURLConnection,
   * java.net.http) sees the answer then, and a connection closed on unread bytes is reset, the
   * answer lost with it. A client that reads as it sends (curl) has the answer at once, and stops.
   * Past either bound the connection is closed instead. Clients that wait for {@code 100
   * Continue} send nothing.
   */
  static final long UNREAD_BODY_LIMIT = 1L << 30;
  static final Duration UNREAD_BODY_TIME = Duration.ofSeconds(5);
  /**
   * A client waiting for {@code 100 Continue} before a body of fewer bytes than this, on a
   * route that takes its method, is asked for it by the thread that read the request, before the
   * request is handed over, rather than by the endpoint's first read: the body then travels while
   * the request is handed to a thread and the endpoint starts. Should the endpoint answer an
   * error, what it reads and drops is small. A larger one stays unsent until the endpoint reads
   * it, after every check that may spare it (docs/decisions.md, "Small bodies asked for at once").
   */
  static final long ASK_AT_ONCE_BELOW = 64 << 10;

  private static final Set<String> STANDARD_METHODS = Set.of("GET", "HEAD", "PUT", "POST",
      "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  private final String serverName;
  private final Routes routes;
  private final RequestObserver observer;
  private final boolean anyQuick;

  RoutingHandler(String serverName, Routes routes, RequestObserver observer) {
    this.serverName = serverName;
    this.routes = routes;
    this.observer = observer;
    this.anyQuick = routes.anyQuick();
  }

  /**
   * Non-blocking when some route is answered quickly: Jetty then calls {@link #handle} on the
   * thread that read the request, which saves a small GET about two fifths of its CPU
   * (benchmarks.md, section 56). Otherwise Jetty hands each request to a thread that may block.
   */
  @Override
  public InvocationType getInvocationType() {
    return anyQuick ? InvocationType.NON_BLOCKING : InvocationType.BLOCKING;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    request.setAttribute(ROUTED, Boolean.TRUE);
    if (!anyQuick) {
      run(request, response, callback);
    } else {
      Exchange exchange = new Exchange(request, response, true);
      if (exchange.hasBody() && asksAtOnce(exchange)) {
        // Handed over once it is sent: the endpoint's answer must not overtake it.
        exchange.askForBody().whenComplete((sent, failure) -> handOver(request, response,
            callback));
      } else if (!answeredQuickly(exchange, request, response, callback)) {
        handOver(request, response, callback);
      }
    }
    return true;
  }

  /** Whether a client waits for a small body's {@code 100 Continue} on a route that takes it. */
  private boolean asksAtOnce(Exchange exchange) {
    if (!exchange.awaitsContinue()) {
      return false;
    }
    OptionalLong length = exchange.requestLength();
    return length.isPresent() && length.getAsLong() < ASK_AT_ONCE_BELOW
        && routes.patternOf(exchange.path())
            .flatMap(pattern -> routes.route(pattern, exchange.method())).isPresent();
  }

  /** Runs the request on a thread of the server's pool, which may wait. */
  private void handOver(Request request, Response response, Callback callback) {
    try {
      request.getComponents().getThreadPool().execute(() -> run(request, response, callback));
    } catch (RejectedExecutionException e) {
      // The server is stopping: nothing can answer.
      callback.failed(e);
    }
  }

  /**
   * Tries the request as a quick exchange; false, with nothing sent, when it must run on a
   * thread that may wait. Whatever it did not answer, errors included, is answered and logged by
   * that run.
   */
  private boolean answeredQuickly(Exchange exchange, Request request, Response response,
      Callback callback) {
    if (exchange.hasBody()) {
      return false;
    }
    try {
      route(exchange);
    } catch (IOException | MethodNotAllowed | RuntimeException e) {
      response.reset();
      return false;
    }
    exchange.finishQuickly(Callback.from(() -> {
      complete(exchange, request, response.getStatus());
      callback.succeeded();
    }, failure -> {
      complete(exchange, request, RequestObserver.ABORTED);
      callback.failed(failure);
    }));
    return true;
  }

  /** Runs the request's endpoint on this thread, which may wait, and answers it. */
  private void run(Request request, Response response, Callback callback) {
    Exchange exchange = new Exchange(request, response, false);
    try {
      route(exchange);
      exchange.finish();
      complete(exchange, request, response.getStatus());
      callback.succeeded();
    } catch (OstoreException e) {
      int status = ErrorStatus.of(e.code());
      RequestLog.failed(serverName, exchange.method(), exchange.path(), exchange.about(), status,
          e.getMessage(), e.getCause());
      answerError(exchange, request, callback, status, e.getMessage(), e);
    } catch (MethodNotAllowed e) {
      RequestLog.failed(serverName, exchange.method(), exchange.path(), null, 405,
          e.getMessage(), null);
      answerError(exchange, request, callback, 405, e.getMessage(), e);
    } catch (IOException e) {
      // Not an ostore error: the connection to the client itself failed, nothing to answer.
      log.log(DEBUG, () -> RequestLog.describe(serverName, exchange.method(), exchange.path())
          + " connection failed: " + e);
      complete(exchange, request, RequestObserver.ABORTED);
      callback.failed(e);
    } catch (RuntimeException | Error e) {
      // An Error too (out of memory, say): unanswered, the client would wait for ever.
      try {
        RequestLog.bug(serverName, exchange.method(), exchange.path(), e);
        answerError(exchange, request, callback, 500, "internal error: " + e, e);
      } catch (Error again) {
        callback.failed(e); // no memory even for the answer: Jetty ends the exchange
      }
    } finally {
      exchange.releaseResponse();
    }
  }

  /**
   * Lets go of the request body and counts the request, before the callback completes it: the
   * client may send its next request on the same connection only then, so a scrape it sends
   * next counts this one.
   */
  private void complete(Exchange exchange, Request request, int status) {
    exchange.releaseBody();
    observer.answered(exchange.endpoint(), boundedMethod(exchange.method()), status,
        exchange.bytesIn(), exchange.bytesOut(), request.getBeginNanoTime());
  }

  /** The method, or {@link RequestObserver#OTHER_METHOD} if it is not a standard one. */
  static String boundedMethod(String method) {
    return STANDARD_METHODS.contains(method) ? method : RequestObserver.OTHER_METHOD;
  }

  private void route(Exchange exchange) throws IOException, MethodNotAllowed {
    // Most requests have no Transfer-Encoding: asked first, that costs no list.
    if (exchange.header(TransferEncoding.HEADER).isPresent()) {
      Optional<String> badFraming = TransferEncoding.refusal(
          exchange.headers(TransferEncoding.HEADER));
      if (badFraming.isPresent()) {
        throw OstoreException.badRequest(badFraming.get());
      }
    }
    String path = exchange.path();
    String pattern = routes.patternOf(path)
        .orElseThrow(() -> OstoreException.notFound("no endpoint at " + path));
    exchange.matched(pattern);
    Optional<Routes.Route> route = routes.route(pattern, exchange.method());
    if (route.isEmpty() || !route.get().quick()) {
      exchange.aboutToWait();
    }
    Optional<Endpoint> guard = routes.guard(pattern);
    if (guard.isPresent()) {
      guard.get().handle(exchange);
    }
    if (route.isEmpty()) {
      String allowed = String.join(", ", routes.methods(pattern));
      throw new MethodNotAllowed(allowed,
          "method " + exchange.method() + " is not allowed on " + pattern + "; use " + allowed);
    }
    exchange.routeTo(route.get());
    route.get().endpoint().handle(exchange);
  }

  private void answerError(Exchange exchange, Request request, Callback callback, int status,
      String message, Throwable cause) {
    // An endpoint may have started a response it has sent nothing of yet: the error replaces it.
    if (exchange.isSent()) {
      complete(exchange, request, RequestObserver.ABORTED);
      callback.failed(cause);
      return;
    }
    try {
      exchange.resetForError();
      if (cause instanceof MethodNotAllowed notAllowed) {
        exchange.setHeader("Allow", notAllowed.allowed);
      }
      if (cause instanceof OstoreException busy && busy.code() == ErrorCode.BUSY) {
        // Uploads end in seconds: a client that honours this comes back when one may have.
        exchange.setHeader("Retry-After", "1");
      }
      if (cause instanceof OstoreException stalled && stalled.code() == ErrorCode.STALLED) {
        // The rest of the body may still come, or never: the connection cannot carry another.
        exchange.setHeader("Connection", "close");
      }
      // One line, as promised: a client shows it as is, and the log has the whole message.
      // Answered first, so that a client reading as it sends need not send the rest for nothing.
      exchange.respondError(status, RequestLog.firstLine(message));
      // A client waiting for 100 Continue has sent nothing: reading would ask it for the body
      // only to drop it. Unread, the server closes the connection.
      if (!exchange.awaitsContinue()) {
        exchange.discardRequestBody(UNREAD_BODY_LIMIT, UNREAD_BODY_TIME);
      }
      complete(exchange, request, status);
      callback.succeeded();
    } catch (IOException | RuntimeException e) {
      complete(exchange, request, RequestObserver.ABORTED);
      callback.failed(e);
    }
  }

  /** A method the path does not serve: a 405 listing those it does in {@code Allow}. */
  private static final class MethodNotAllowed extends Exception {
    final String allowed;

    MethodNotAllowed(String allowed, String message) {
      super(message, null, false, false);
      this.allowed = allowed;
    }
  }
}
