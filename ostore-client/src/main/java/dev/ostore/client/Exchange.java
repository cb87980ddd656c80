package dev.ostore.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * One request and its answer on an {@link HttpURLConnection}, set up the way every ostore call
 * needs it. Used once, by one thread.
 *
 * <p>The traps it handles: upload bodies are always streamed (fixed-length or chunked), since the
 * connection's default mode buffers the whole body in memory to learn its length; error answers
 * are read from the error stream and closed, so the JDK can put the connection back in its
 * keep-alive pool; no proxy is looked up, because that would read JVM-wide system properties;
 * a read that times out, which the JDK reports as a bare {@code Read timed out}, is told as a
 * {@link RequestTimeoutException} naming the request and the server.
 */
final class Exchange {
  /** An error body is one line; more than this is not from an ostore server and is cut. */
  private static final int MAX_MESSAGE_BYTES = 1024;

  /** The header in which an ostore server repeats an error's reason, percent-encoded. */
  private static final String ERROR_MESSAGE = "Error-Message";

  private final String server;
  /** The method and the path, as messages name the request. */
  private final String request;
  private final HttpURLConnection connection;

  private Exchange(String server, String request, HttpURLConnection connection) {
    this.server = server;
    this.request = request;
    this.connection = connection;
  }

  /** A request to {@code server} (its base URL) for {@code pathAndQuery}, raw as on the wire. */
  static Exchange open(String method, String server, String pathAndQuery, int connectMillis,
      int readMillis) throws IOException {
    URL url = URI.create(server + pathAndQuery).toURL();
    HttpURLConnection connection = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
    connection.setRequestMethod(method);
    connection.setConnectTimeout(connectMillis);
    connection.setReadTimeout(readMillis);
    connection.setUseCaches(false);
    // A redirect would have to replay a streamed body; report it as the status it is instead.
    connection.setInstanceFollowRedirects(false);
    connection.setRequestProperty("User-Agent", "ostore-client");
    return new Exchange(server, method + " " + pathAndQuery, connection);
  }

  void header(String name, String value) {
    connection.setRequestProperty(name, value);
  }

  /**
   * Starts sending a body of {@code length} bytes, or of unknown length (chunked) when it is
   * {@code -1}. The caller writes exactly that many bytes and closes the stream.
   */
  OutputStream sendBody(long length) throws IOException {
    connection.setDoOutput(true);
    // Without it the connection would label the bytes as a form.
    connection.setRequestProperty("Content-Type", "application/octet-stream");
    if (length >= 0) {
      connection.setFixedLengthStreamingMode(length);
    } else {
      connection.setChunkedStreamingMode(OstoreClient.BUFFER_SIZE);
    }
    connect();
    return reaching(connection::getOutputStream);
  }

  /**
   * As {@link #sendBody}, once the server asks for the body ({@code Expect: 100-continue}): a
   * request it refuses at once (a condition that does not hold, an upload another request
   * writes) sends none of it, and throws the server's error as {@link #expectSuccess} reads it.
   */
  OutputStream sendBodyOnceAsked(long length) throws IOException {
    header("Expect", "100-continue");
    try {
      return sendBody(length);
    } catch (ProtocolException refused) { // HttpURLConnection's word for an answer, not a 100
      expectSuccess();
      throw refused;
    }
  }

  /**
   * Waits for the answer and throws the {@link OstoreClientException} of any status but 2xx,
   * with the server's one-line message.
   */
  void expectSuccess() throws IOException {
    connect();
    int status = reaching(connection::getResponseCode);
    if (status / 100 == 2) {
      return;
    }
    String body;
    try (InputStream error = connection.getErrorStream()) {
      body = error == null ? "" : firstLine(readAtMost(new Answer(error), MAX_MESSAGE_BYTES));
    }
    throw OstoreClientException.of(status, reason(body));
  }

  /**
   * The reason of an error answer: the header an ostore server sends with every error (the one
   * place a HEAD answer has it), else the body's first line, else the status line's reason.
   */
  private String reason(String body) throws IOException {
    String header = connection.getHeaderField(ERROR_MESSAGE);
    if (header != null && !header.isBlank()) {
      return PercentEncoding.decodeLeniently(header).strip();
    }
    if (!body.isEmpty()) {
      return body;
    }
    String reason = connection.getResponseMessage();
    return reason == null || reason.isBlank() ? "no reason given" : reason.strip();
  }

  /** One step of the exchange that may connect. */
  @FunctionalInterface
  private interface Step<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code step}, telling a failure to connect as the server being unreachable (a
   * kept-alive connection that the server had closed makes the JDK connect anew inside it), and
   * a read that timed out as a {@link RequestTimeoutException}.
   */
  private <T> T reaching(Step<T> step) throws IOException {
    try {
      return step.run();
    } catch (ConnectException | NoRouteToHostException | UnknownHostException e) {
      throw new ServerUnreachableException(server, e);
    } catch (SocketTimeoutException e) {
      throw new RequestTimeoutException(request, server, connection.getReadTimeout(), e);
    }
  }

  /**
   * Opens the connection now, so that failing to reach the server is told apart from failing
   * later; the JDK would otherwise connect inside whichever call came first. No-op once open.
   */
  private void connect() throws IOException {
    try {
      connection.connect();
    } catch (IOException e) {
      throw new ServerUnreachableException(server, e);
    }
  }

  /** The answer's status. */
  int status() throws IOException {
    return reaching(connection::getResponseCode);
  }

  /** The answer's Content-Length, or -1 when it has none. */
  long contentLength() {
    return connection.getContentLengthLong();
  }

  /** The answer's header {@code name}, or null when it has none. */
  String responseHeader(String name) {
    return connection.getHeaderField(name);
  }

  /** The answer's body; the caller closes it, which lets the connection be reused. */
  InputStream body() throws IOException {
    return new Answer(reaching(connection::getInputStream));
  }

  /** Reads the first {@code max} bytes of a short body as UTF-8, and closes it. */
  String smallBody(int max) throws IOException {
    try (InputStream in = body()) {
      String text = readAtMost(in, max);
      // Drain the rest so the connection goes back to the pool.
      in.transferTo(OutputStream.nullOutputStream());
      return text;
    }
  }

  /** Reads the body to its end, unseen, so the connection goes back to the pool. */
  void discardBody() throws IOException {
    try (InputStream in = body()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  /** A body of the answer, whose reads that time out say which request and server waited. */
  private final class Answer extends FilterInputStream {
    Answer(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      return reaching(in::read);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      return reaching(() -> in.read(buffer, offset, length));
    }

    @Override
    public long skip(long n) throws IOException {
      return reaching(() -> in.skip(n));
    }
  }

  private static String readAtMost(InputStream in, int max) throws IOException {
    return new String(in.readNBytes(max), StandardCharsets.UTF_8);
  }

  private static String firstLine(String text) {
    int end = text.indexOf('\n');
    return (end < 0 ? text : text.substring(0, end)).strip();
  }
}
