package dev.ostore.stream;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.http.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP exchange with a data server on {@link HttpURLConnection}, which moved bulk data about
 * three times faster than {@code java.net.http.HttpClient} here (see docs/decisions.md). Turns
 * every outcome into the {@link OstoreException} the api server must act on.
 */
final class HttpCall {
  /** The longest error message read back from a data server. */
  private static final int MAX_MESSAGE_BYTES = 1024;

  final ServerAddress server;
  final String method;
  final String path;
  final HttpURLConnection connection;

  private HttpCall(ServerAddress server, String method, String path, HttpURLConnection c) {
    this.server = server;
    this.method = method;
    this.path = path;
    this.connection = c;
  }

  /** Prepares the request; {@link #connect()} or the first use opens the connection. */
  static HttpCall open(ServerAddress server, String path, String method,
      Duration connectTimeout, Duration readTimeout) throws IOException {
    // Built from its parts, not parsed from text, since every request to a data server needs
    // one; and no proxy, so that a JVM-wide proxy setting never reroutes traffic between servers.
    URL url = new URL("http", server.host(), server.port(), path);
    HttpURLConnection connection = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
    if (method.equals("PATCH")) {
      // HttpURLConnection refuses PATCH; ostore's servers take the usual override instead.
      connection.setRequestMethod("POST");
      connection.setRequestProperty(Exchange.METHOD_OVERRIDE, "PATCH");
    } else {
      connection.setRequestMethod(method);
    }
    connection.setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()));
    connection.setReadTimeout(Math.toIntExact(readTimeout.toMillis()));
    connection.setUseCaches(false);
    connection.setInstanceFollowRedirects(false);
    return new HttpCall(server, method, path, connection);
  }

  /** Opens the connection; a server that cannot be reached is {@code DATA_SERVER_UNREACHABLE}. */
  void connect() throws OstoreException {
    try {
      connection.connect();
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /**
   * Waits for the answer. Returns the length of a 2xx answer's body (-1 when not given); a 404
   * is {@code NOT_FOUND}, a 503 {@code BUSY} (a data server has no other reason for one), a 409
   * {@code CONFLICT} (another request has what this one asks for: a resumable upload, say), a 412
   * {@code PRECONDITION_FAILED} (a shard written since a collection began), anything else
   * {@code DATA_SERVER_FAILED}, with the server's message.
   */
  long expectOk() throws OstoreException {
    int status;
    try {
      status = connection.getResponseCode();
    } catch (IOException e) {
      throw failure(e);
    }
    if (status >= 200 && status < 300) {
      return connection.getContentLengthLong();
    }
    throw answered(server, method, path, status, errorMessage());
  }

  /**
   * The exception for a data server's answer {@code status}, not a success, to {@code method}
   * {@code path}, with the first line of its body {@code message}.
   */
  static OstoreException answered(ServerAddress server, String method, String path, int status,
      String message) {
    if (status == HttpURLConnection.HTTP_NOT_FOUND) {
      return OstoreException.notFound(message.isEmpty() ? "no such object" : message);
    }
    return new OstoreException(DataServerErrors.heard(status),
        "data server " + server + " answered " + status + " to " + method + " " + path
            + (message.isEmpty() ? "" : ": " + message));
  }

  /** The exception for an I/O failure talking to the server. */
  OstoreException failure(IOException e) {
    return failure(server, e);
  }

  /** The exception for an I/O failure talking to {@code server}. */
  static OstoreException failure(ServerAddress server, IOException e) {
    if (e instanceof OstoreException ostore) {
      return ostore;
    }
    boolean unreachable = e instanceof ConnectException || e instanceof NoRouteToHostException
        || e instanceof UnknownHostException;
    ErrorCode code = unreachable ? ErrorCode.DATA_SERVER_UNREACHABLE : ErrorCode.DATA_SERVER_FAILED;
    return new OstoreException(code,
        "data server " + server + (unreachable ? " is unreachable: " : " failed: ") + e, e);
  }

  /** Sends {@code body}, whole; a failure aborts the call and says what it was. */
  void send(byte[] body) throws OstoreException {
    connection.setDoOutput(true);
    try (OutputStream out = connection.getOutputStream()) {
      out.write(body);
    } catch (IOException e) {
      abort();
      throw failure(e);
    }
  }

  /** Ends an exchange whose body was read whole (or had none): the connection can be reused. */
  void finish() {
    try {
      connection.getInputStream().close();
    } catch (IOException e) {
      abort();
    }
  }

  /** Ends the exchange by closing its connection, cutting off whatever was still in flight. */
  void abort() {
    connection.disconnect();
  }

  /** The first line of an error answer's {@code body}, stripped. */
  static String firstLine(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip();
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  private String errorMessage() {
    try (InputStream error = connection.getErrorStream()) {
      if (error == null) {
        return "";
      }
      return firstLine(error.readNBytes(MAX_MESSAGE_BYTES));
    } catch (IOException e) {
      return "";
    }
  }
}
