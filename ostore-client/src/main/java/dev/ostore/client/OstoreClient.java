package dev.ostore.client;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A client of one ostore api server: stores, fetches, measures and locates objects over the
 * server's HTTP protocol, with nothing but the JDK.
 *
 * <pre>{@code
 * OstoreClient client = OstoreClient.builder(URI.create("http://127.0.0.1:8080"))
 *     .connectTimeout(Duration.ofSeconds(5))
 *     .build();
 * client.put("report.pdf", Path.of("report.pdf"));
 * long size = client.head("report.pdf").size();
 * try (InputStream in = client.open("report.pdf")) {
 *   in.transferTo(out);
 * } catch (ObjectNotFoundException e) {
 *   System.err.println(e.getMessage()); // the server's one-line reason
 * }
 * }</pre>
 *
 * <p><b>Names.</b> Every method takes the object's name as the user wrote it and percent-encodes
 * it. A name the protocol forbids (empty, more than 255 UTF-8 bytes, a {@code /} or a control
 * character, {@code .} or {@code ..}) throws {@link IllegalArgumentException}, saying which rule,
 * before anything is sent.
 *
 * <p><b>Errors.</b> An error answer throws an {@link OstoreClientException} subclass carrying the
 * status and the server's message; other failures are plain {@link IOException}s. A GET body that
 * ends before its Content-Length always throws, never reads as a shorter object.
 *
 * <p><b>Threads and connections.</b> A client is immutable and thread-safe; share one. It owns no
 * resource, so it needs no closing: requests go through {@link java.net.HttpURLConnection}, which
 * was measured faster than {@code java.net.http.HttpClient} for large bodies, and whose JDK-wide
 * keep-alive pool keeps at most 5 idle connections per server unless the application sets the
 * system property {@code http.maxConnections} (for example {@code -Dhttp.maxConnections=64}) before
 * its first request. With more concurrent requests than that, the extra connections are closed
 * after use and each such request pays a new TCP handshake.
 *
 * <p><b>Timeouts.</b> The connect timeout bounds opening a connection; the request timeout bounds
 * each wait for the server's next bytes (not a whole transfer, which may rightly take minutes).
 * Writing an upload body has no timeout of its own: {@code HttpURLConnection} offers none.
 */
public final class OstoreClient {
  /** Bytes copied per step; also the chunk size of uploads of unknown length. */
  static final int BUFFER_SIZE = 64 * 1024;

  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final TransferListener SILENT = (bytes, size) -> { };
  /** A locate answer is one quoted address; anything longer is not from ostore. */
  private static final int MAX_LOCATE_BYTES = 1024;

  private final String root;
  private final int connectMillis;
  private final int requestMillis;
  private final TransferListener listener;

  private OstoreClient(Builder builder) {
    String path = builder.baseUri.getRawPath() == null ? "" : builder.baseUri.getRawPath();
    this.root = builder.baseUri.getScheme() + "://" + builder.baseUri.getRawAuthority()
        + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    this.connectMillis = (int) builder.connectTimeout.toMillis();
    this.requestMillis = (int) builder.requestTimeout.toMillis();
    this.listener = builder.listener;
  }

  /**
   * A builder of clients of the api server at {@code baseUri}, an {@code http} or {@code https}
   * URI such as {@code http://127.0.0.1:8080}; a path in it becomes the prefix of every request.
   */
  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  /** Stores {@code bytes} as the object {@code name}, replacing any object of that name. */
  public void put(String name, byte[] bytes) throws IOException {
    ObjectName objectName = new ObjectName(name);
    String digest = Sha256.of(bytes);
    upload(objectName, new ByteArrayInputStream(bytes), bytes.length, digest);
  }

  /**
   * Stores the content of {@code file} as the object {@code name}. The file is read twice, first
   * for its digest and then streamed to the server, never held in memory; it must not change
   * meanwhile.
   */
  public void put(String name, Path file) throws IOException {
    ObjectName objectName = new ObjectName(name);
    Sha256.FileDigest digest = Sha256.of(file);
    try (InputStream in = Files.newInputStream(file)) {
      upload(objectName, in, digest.size(), digest.base64());
    }
  }

  /**
   * Stores everything {@code in} yields until its end as the object {@code name}, streamed in
   * chunks of unknown total length. The caller still owns and closes {@code in}. No digest is
   * sent, since it is known only after the body.
   */
  public void put(String name, InputStream in) throws IOException {
    ObjectName objectName = new ObjectName(name);
    upload(objectName, requireNonNull(in, "in"), -1, null);
  }

  /**
   * Writes the object {@code name} to {@code out}, which stays open, and returns its size. If
   * the transfer fails part way, {@code out} has already received part of the object.
   */
  public long get(String name, OutputStream out) throws IOException {
    requireNonNull(out, "out");
    try (InputStream in = open(name)) {
      return copy(in, out, -1, SILENT);
    }
  }

  /**
   * Downloads the object {@code name} into {@code file}, replacing it, and returns its size. The
   * bytes go to a temporary file in the same directory, which is forced to disk and then renamed
   * over {@code file}: on any failure {@code file} is left as it was and no temporary file stays.
   */
  public long get(String name, Path file) throws IOException {
    requireNonNull(file, "file");
    try (InputStream in = open(name)) {
      return Downloads.replace(file, out -> copy(in, out, -1, SILENT));
    }
  }

  /**
   * Opens the object {@code name} for streaming. The caller must close the stream; reading it to
   * the end first lets the connection be reused. Its {@code read} throws an
   * {@link java.io.EOFException} if the connection ends before the whole object arrived.
   */
  public InputStream open(String name) throws IOException {
    Exchange exchange = send("GET", "/objects/", new ObjectName(name));
    exchange.expectSuccess();
    return new BodyInputStream(exchange.body(), exchange.contentLength(), listener);
  }

  /** Tells the size of the object {@code name} without transferring it. */
  public ObjectInfo head(String name) throws IOException {
    ObjectName objectName = new ObjectName(name);
    Exchange exchange = send("HEAD", "/objects/", objectName);
    exchange.expectSuccess();
    long size = exchange.contentLength();
    if (size < 0) {
      throw new IOException("HEAD " + objectName + ": the answer has no Content-Length");
    }
    return new ObjectInfo(name, size);
  }

  /**
   * Tells the address ({@code host:port}) of the data server holding the object {@code name}, or
   * throws {@link ObjectNotFoundException} when no server holds it.
   */
  public String locate(String name) throws IOException {
    ObjectName objectName = new ObjectName(name);
    Exchange exchange = send("GET", "/locate/", objectName);
    exchange.expectSuccess();
    String body = exchange.smallBody(MAX_LOCATE_BYTES);
    try {
      return JsonString.decode(body);
    } catch (IllegalArgumentException e) {
      throw new IOException("locate " + objectName + ": unexpected answer: " + body, e);
    }
  }

  @Override
  public String toString() {
    return "OstoreClient(" + root + ")";
  }

  private void upload(ObjectName name, InputStream in, long size, String digest)
      throws IOException {
    Exchange exchange = send("PUT", "/objects/", name);
    if (digest != null) {
      exchange.header("Digest", "SHA-256=" + digest);
    }
    try (OutputStream out = exchange.sendBody(size)) {
      long sent = copy(in, out, size, listener);
      if (size >= 0 && sent < size) {
        throw new IOException(
            "PUT " + name + ": the source ended after " + sent + " of " + size + " bytes");
      }
    }
    exchange.expectSuccess();
    exchange.discardBody();
  }

  private Exchange send(String method, String collection, ObjectName name) throws IOException {
    URL url = URI.create(root + collection + name.urlSegment()).toURL();
    return Exchange.open(method, url, connectMillis, requestMillis);
  }

  /** Copies until the end of {@code in}, or {@code limit} bytes when it is not -1. */
  private static long copy(InputStream in, OutputStream out, long limit, TransferListener listener)
      throws IOException {
    byte[] buffer = new byte[BUFFER_SIZE];
    long total = 0;
    while (limit < 0 || total < limit) {
      int want = limit < 0 ? buffer.length : (int) Math.min(buffer.length, limit - total);
      int n = in.read(buffer, 0, want);
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
      total += n;
      listener.transferred(total, limit);
    }
    return total;
  }

  /** Settings of a client to build. Not thread-safe; the built clients are. */
  public static final class Builder {
    private final URI baseUri;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private TransferListener listener = SILENT;

    private Builder(URI baseUri) {
      requireNonNull(baseUri, "baseUri");
      String scheme = baseUri.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("base URI must be http or https: " + baseUri);
      }
      if (baseUri.getHost() == null) {
        throw new IllegalArgumentException("base URI has no host: " + baseUri);
      }
      if (baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
        throw new IllegalArgumentException("base URI must have no query or fragment: " + baseUri);
      }
      this.baseUri = baseUri;
    }

    /** How long to wait for a connection to open; 10 seconds unless set. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = checkTimeout(timeout, "connectTimeout");
      return this;
    }

    /** How long to wait for each next byte of an answer; 60 seconds unless set. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = checkTimeout(timeout, "requestTimeout");
      return this;
    }

    /** Who is told of the bytes each transfer moves; nobody unless set. */
    public Builder transferListener(TransferListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    public OstoreClient build() {
      return new OstoreClient(this);
    }

    private static Duration checkTimeout(Duration timeout, String what) {
      requireNonNull(timeout, what);
      // HttpURLConnection takes int milliseconds, and reads 0 as "wait forever".
      if (timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            what + " (" + timeout + ") must be between 1 ms and " + Integer.MAX_VALUE + " ms");
      }
      return timeout;
    }
  }
}
