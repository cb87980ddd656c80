package dev.ostore.http;

import static com.google.common.base.Preconditions.checkState;

import dev.ostore.BufferTaker;
import dev.ostore.DirectBuffers;
import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One HTTP request and its response, as an {@link Endpoint} sees them: blocking streams for both
 * bodies and nothing more of the server underneath. A quick exchange, tried on the thread that
 * read the request ({@link Routes.Builder#answerQuickly}), has no request body and collects a
 * short response body in memory. Not thread-safe.
 */
public final class Exchange {
  /** The header by which a {@code POST} stands for a {@code PATCH}. */
  public static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";
  private static final List<String> OVERRIDABLE = List.of("PATCH", "DELETE");
  private static final int COPY_BUFFER = 64 * 1024;
  /** Marks a request whose body was asked for before the exchange ran: {@link #askForBody}. */
  private static final String ASKED_FOR_BODY = Exchange.class.getName() + ".askedForBody";

  /**
   * The size of the writes of a long response body ({@link GatheredBody}). A big object is
   * written a chunk (64 KiB) at a time, and a write to a socket costs more than copying its bytes
   * once more: gathered into writes of 1 MiB, a 1 GiB GET ran about 1.1 times as fast
   * (benchmarks, section 41).
   */
  static final int WRITES_OF = 1 << 20;

  private final Request request;
  private final Response response;
  private final boolean quick;
  /** Body bytes read and sent; an endpoint may move them on another thread than its own. */
  private final AtomicLong bytesIn = new AtomicLong();
  private final AtomicLong bytesOut = new AtomicLong();
  private String endpoint = RequestObserver.NO_ENDPOINT;
  /** What the request is about where its path does not say; null until an endpoint says. */
  private String about;
  private Query query;
  /** The request body, read through one stream however many times an endpoint asks for it. */
  private InputStream body;
  private OutputStream responseBody;
  /** The long answer's body gathered for the socket, or null. */
  private GatheredBody gathered;
  /** The response body of a quick exchange, once it responded. */
  private QuickBody quickBody;
  /** Headers an error answer keeps: {@link #setLastingHeader}. */
  private final Map<String, String> lasting = new LinkedHashMap<>();

  Exchange(Request request, Response response, boolean quick) {
    this.request = request;
    this.response = response;
    this.quick = quick;
  }

  /**
   * Says that what the endpoint does next may wait: on another machine, on the client, or on a
   * lock held across requests (a read of a file of this machine does not count, no more than a
   * page fault does). On a quick exchange that stops the endpoint here: the request is run again
   * from the start on a thread that may wait. Otherwise it does nothing.
   */
  public void aboutToWait() {
    if (quick) {
      throw new WaitNeeded();
    }
  }

  /**
   * The request's method; a {@code POST} with {@link #METHOD_OVERRIDE}{@code : PATCH} (or {@code
   * DELETE}) counts as that method, for clients that cannot send it (such as {@link
   * java.net.HttpURLConnection}, or a browser behind a proxy that drops it). Only those two: tus
   * names them, and a {@code POST} standing for a {@code HEAD} or {@code GET} would be answered
   * as one, without the body its client waits for.
   */
  public String method() {
    String method = request.getMethod();
    String override = request.getHeaders().get(METHOD_OVERRIDE);
    if (method.equals("POST") && override != null) {
      for (String overridable : OVERRIDABLE) {
        if (overridable.equalsIgnoreCase(override.strip())) {
          return overridable;
        }
      }
    }
    return method;
  }

  /** The request path exactly as sent, percent-encoding included. */
  public String path() {
    return request.getHttpURI().getPath();
  }

  /**
   * Names what the request is about where its path does not (the object of an upload named by
   * its token, say): the log line of its failure says it after the path.
   */
  public void about(String what) {
    about = what;
  }

  /** What {@link #about} said; null when nothing was. */
  String about() {
    return about;
  }

  /**
   * The object name in the path after {@code prefix}, percent-decoded and validated; a bad one is
   * a {@code BAD_REQUEST} saying what is wrong with it.
   */
  public ObjectName objectName(String prefix) throws OstoreException {
    String path = path();
    String segment = path.startsWith(prefix) ? path.substring(prefix.length()) : "";
    try {
      return ObjectName.fromUrlSegment(segment);
    } catch (IllegalArgumentException e) {
      throw OstoreException.badRequest("bad object name: " + e.getMessage());
    }
  }

  /**
   * The query parameter {@code name}, percent-decoded ({@code +} is a plus sign). It must be one
   * the endpoint's route takes: the routing checked the query against them before it ran.
   */
  public Optional<String> query(String name) {
    checkState(query != null, "the query is read once the request is routed");
    return query.get(name);
  }

  /** Reads the query as {@code route} takes it; a parameter it does not take is a 400. */
  void routeTo(Routes.Route route) throws OstoreException {
    endpoint = route.pattern();
    query = Query.parse(request.getHttpURI().getQuery(), route);
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(request.getHeaders().get(name));
  }

  /**
   * The value of a header that has one, as {@link #header} reads it; a request that gives it more
   * than once with values that differ is a {@code BAD_REQUEST} ({@code Size given twice: 5, 6}),
   * since acting on the first would act on a value the client may not have meant.
   */
  public Optional<String> singleHeader(String name) throws OstoreException {
    List<String> values = headers(name);
    if (values.stream().map(String::strip).distinct().count() > 1) {
      throw OstoreException.badRequest(name + " given " + (values.size() == 2 ? "twice"
          : values.size() + " times") + ": " + String.join(", ", values));
    }
    return header(name);
  }

  /** Every field of that name the request carries, in order: a list header sent in several. */
  public List<String> headers(String name) {
    return request.getHeaders().getValuesList(name);
  }

  /** The declared length of the request body; empty when it is sent chunked. */
  public OptionalLong requestLength() {
    long length = request.getLength();
    return length >= 0 ? OptionalLong.of(length) : OptionalLong.empty();
  }

  /**
   * Whether the request has a body: one of a declared length above zero, or a chunked one. A
   * request with neither {@code Content-Length} nor {@code Transfer-Encoding} has none (RFC 9112,
   * section 6.3).
   */
  public boolean hasBody() {
    OptionalLong length = requestLength();
    return length.isPresent() ? length.getAsLong() > 0
        : header("Transfer-Encoding").isPresent();
  }

  /**
   * The request body. A body that ends before its declared length, or a chunked body whose last
   * chunk never comes, makes {@code read} throw rather than report a clean end. Closing it does
   * nothing: the exchange lets go of the body once it is answered, and an error answer is
   * followed by reading and dropping what is left of it (closed early, the request's content
   * would fail, the rest go unread, and the connection be reset under a client still sending, the
   * answer lost).
   */
  public InputStream requestBody() {
    return new FilterInputStream(body()) {
      @Override
      public void close() {}
    };
  }

  private InputStream body() {
    aboutToWait();
    if (body == null) {
      body = new CountingInputStream(Content.Source.asInputStream(request), bytesIn);
    }
    return body;
  }

  /** Lets go of the request body once the request is answered; what is left unread fails. */
  void releaseBody() {
    if (body != null) {
      try {
        body.close();
      } catch (IOException e) {
        // The body failed or broke off: nothing is left to let go of.
      }
    }
  }

  /**
   * Copies the whole request body to {@code out} and returns its length. A body that breaks off
   * is a {@code BAD_REQUEST} naming {@code what} was being uploaded; a failure of {@code out}
   * comes out as it is, so the caller can tell its own failures from the client's.
   */
  public long copyRequestBodyTo(OutputStream out, Object what) throws IOException {
    // No larger than a body of known length: a 4 KiB upload needs no 64 KiB buffer.
    byte[] buffer = new byte[(int) Math.max(1,
        Math.min(COPY_BUFFER, requestLength().orElse(COPY_BUFFER)))];
    long copied = 0;
    InputStream in = body();
    while (true) {
      // Whole buffers, not whatever the network had: fewer, larger writes downstream.
      int n = 0;
      try {
        int read;
        while (n < buffer.length && (read = in.read(buffer, n, buffer.length - n)) != -1) {
          n += read;
        }
      } catch (IOException e) {
        throw bodyBrokenOff(what, copied + n, e);
      }
      if (n == 0) {
        return copied;
      }
      buffer = BufferTaker.give(out, buffer, n); // same length: only full ones are read again
      copied += n;
    }
  }

  /**
   * Why a body broke off: the client's fault ({@code BAD_REQUEST}), or its silence for the
   * connector's idle timeout ({@code STALLED}), unless this server is stopping and its grace ran
   * out, which fails every read still waiting (Jetty does it by an idle timeout).
   */
  private OstoreException bodyBrokenOff(Object what, long after, IOException e) {
    Connector connector = request.getConnectionMetaData().getConnector();
    if (connector.isShutdown()) {
      return new OstoreException(ErrorCode.STOPPING, "server stopping: upload of " + what
          + " cut off after " + after + " bytes");
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof TimeoutException) {
        long idle = connector.getIdleTimeout();
        return new OstoreException(ErrorCode.STALLED, "the body of the upload of " + what
            + " stalled: nothing came for " + (idle % 1000 == 0 ? idle / 1000 + " s"
                : idle + " ms") + " after " + after + " bytes");
      }
    }
    return OstoreException.badRequest("upload of " + what + " broken off after " + after
        + " bytes: " + e.getMessage());
  }

  /**
   * Whether the client waits for {@code 100 Continue} before it sends its body and has not been
   * asked for it yet: reading the body would ask for it, so an error must be answered unread.
   */
  public boolean awaitsContinue() {
    return body == null && request.getAttribute(ASKED_FOR_BODY) == null
        && header("Expect").filter("100-continue"::equalsIgnoreCase).isPresent();
  }

  /**
   * Sends {@code 100 Continue} now, for a client that {@linkplain #awaitsContinue awaits} it, and
   * completes once it is sent: the body travels while the request goes on. An exchange made later
   * for the same request knows the client was asked.
   */
  CompletableFuture<Void> askForBody() {
    request.setAttribute(ASKED_FOR_BODY, Boolean.TRUE);
    return response.writeInterim(HttpStatus.CONTINUE_100, HttpFields.EMPTY);
  }

  /**
   * Reads and drops what is left of the request body, up to {@code limit} bytes and for up to
   * {@code within}; a body that breaks off meanwhile is simply left. Returns whether the body was
   * read to its end.
   */
  boolean discardRequestBody(long limit, Duration within) {
    byte[] buffer = new byte[COPY_BUFFER];
    long left = limit;
    long deadline = System.nanoTime() + within.toNanos();
    InputStream in = body();
    try {
      for (int n; (n = in.read(buffer)) != -1; ) {
        left -= n;
        if (left < 0 || System.nanoTime() - deadline > 0) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Sets a response header that an error answer keeps too, where the others are dropped: one
   * that describes the error (a 416's {@code Content-Range}, say).
   */
  public Exchange setLastingHeader(String name, String value) {
    setHeader(name, value);
    lasting.put(name, value);
    return this;
  }

  /** Sets a response header; only before the response starts. */
  public Exchange setHeader(String name, String value) {
    checkState(!isCommitted(), "response already started");
    response.getHeaders().put(name, value);
    return this;
  }

  /**
   * Starts the response and gives the stream for its body: {@code length} bytes exactly, or a
   * chunked body when {@code length} is -1. A HEAD response sends the headers only. A body of
   * {@link #WRITES_OF} bytes or more leaves in writes of that size, however small the pieces it
   * is written in. On a quick exchange, a chunked body or one longer than {@link QuickBody#LIMIT}
   * is {@linkplain #aboutToWait about to wait}.
   */
  public OutputStream respond(int status, long length) {
    checkState(responseBody == null, "response already started");
    if (request.getAttribute(ASKED_FOR_BODY) != null && bytesIn.get() < request.getLength()) {
      // A client asked for its body reads no answer until it sent it: HttpURLConnection drops an
      // answer that came with the 100 Continue, and waits. What is left of the little body is
      // read first; when the endpoint read it all, nothing is (no read, no buffer).
      discardRequestBody(RoutingHandler.ASK_AT_ONCE_BELOW, RoutingHandler.UNREAD_BODY_TIME);
    }
    // HTTP drops whatever a HEAD answer writes: none of it is sent.
    boolean head = request.getMethod().equals("HEAD");
    if (quick && (length < 0 || (!head && length > QuickBody.LIMIT))) {
      aboutToWait();
    }
    response.setStatus(status);
    if (length >= 0) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    }
    OutputStream body;
    if (quick) {
      quickBody = new QuickBody(response, !head, head ? 0 : (int) length);
      body = quickBody;
    } else {
      // Without a buffer lent, in the endpoint's own writes, as a shorter body is.
      gathered = !head && length >= WRITES_OF
          ? GatheredBody.of(response, WRITES_OF, DirectBuffers.ofThisJvm()).orElse(null) : null;
      body = gathered != null ? gathered : Content.Sink.asOutputStream(response);
    }
    responseBody = head ? body : new CountingOutputStream(body, bytesOut);
    return responseBody;
  }

  /** Answers with {@code text} and a newline as a plain-text body. */
  public void respondText(int status, String text) throws IOException {
    respond(status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Answers an error: {@code line} as the plain-text body and, since a {@code HEAD} answer has no
   * body, also in the {@link ErrorMessageHeader}. Endpoints throw an {@link OstoreException}
   * instead, which is logged; this is for an expected answer that is not news (a health check).
   */
  public void respondError(int status, String line) throws IOException {
    response.getHeaders().put(ErrorMessageHeader.NAME, ErrorMessageHeader.encode(line));
    respondText(status, line);
  }

  /** Answers with a small body held in memory. */
  public void respond(int status, String contentType, byte[] body) throws IOException {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    try (OutputStream out = respond(status, body.length)) {
      out.write(body);
    }
  }

  /** The pattern of the route the request was found to be under, once it was. */
  void matched(String pattern) {
    endpoint = pattern;
  }

  String endpoint() {
    return endpoint;
  }

  long bytesIn() {
    return bytesIn.get();
  }

  long bytesOut() {
    return bytesOut.get();
  }

  boolean isCommitted() {
    return responseBody != null || response.isCommitted();
  }

  /** True once the response has begun to leave for the client: it can no longer be replaced. */
  boolean isSent() {
    return response.isCommitted();
  }

  boolean hasResponded() {
    return responseBody != null;
  }

  /** Completes the response: an endpoint that sent nothing answers 200 with no body. */
  void finish() throws IOException {
    if (responseBody == null) {
      respond(200, 0);
    }
    responseBody.close();
  }

  /**
   * Sends the answer of a quick exchange, in a write that waits on nothing, then completes {@code
   * done}: an endpoint that sent nothing answers 200 with no body.
   */
  void finishQuickly(Callback done) {
    checkState(quick, "only a quick exchange finishes quickly");
    if (responseBody == null) {
      respond(200, 0);
    }
    quickBody.send(done);
  }

  /**
   * Lets go of what an answer that did not end well holds: called once the exchange is over,
   * however it ended.
   */
  void releaseResponse() {
    if (gathered != null) {
      gathered.abandon();
      gathered = null;
    }
  }

  /** Resets an unsent response so that an error can replace it. */
  void resetForError() {
    releaseResponse();
    response.reset();
    responseBody = null;
    lasting.forEach(response.getHeaders()::put);
  }
}
