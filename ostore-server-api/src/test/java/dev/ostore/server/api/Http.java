package dev.ostore.server.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/** A test's HTTP client: whole requests with java.net.http, broken ones over a raw socket. */
final class Http {
  private final URI base;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  Http(URI base) {
    this.base = base;
  }

  /** Where {@code path} is on this server. */
  URI uri(String path) {
    return base.resolve(path);
  }

  HttpResponse<String> put(String path, byte[] body) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  HttpResponse<String> put(String path, String body) throws Exception {
    return put(path, body.getBytes(StandardCharsets.UTF_8));
  }

  /** PUTs {@code length} bytes read from {@code body}, streamed, with a Content-Length. */
  HttpResponse<String> put(String path, long length, Supplier<InputStream> body)
      throws Exception {
    // fromPublisher takes no length of 0, and an empty body has nothing to stream.
    return send(HttpRequest.newBuilder(base.resolve(path)).PUT(length == 0
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(body), length)));
  }

  /** GETs {@code path}, its body to be read as it arrives. */
  HttpResponse<InputStream> getStream(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(base.resolve(path)).GET()
        .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  /** GETs {@code path} with request headers given as name, value, name, value... */
  HttpResponse<byte[]> getBytes(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).GET();
    return client.send((headers.length == 0 ? request : request.headers(headers))
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** HEADs {@code path} with request headers given as name, value, name, value... */
  HttpResponse<String> head(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
        .method("HEAD", HttpRequest.BodyPublishers.noBody());
    return send(headers.length == 0 ? request : request.headers(headers));
  }

  HttpResponse<String> method(String method, String path) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path))
        .method(method, HttpRequest.BodyPublishers.noBody()));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends {@code head} (request line and headers, CRLF-terminated) and then {@code body} over a
   * raw socket, and hangs up without waiting for an answer: a client that dies mid-upload.
   */
  void sendAndHangUp(String head, byte[] body) throws IOException {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
    }
  }

  /** Sends raw bytes and returns everything the server answers until it closes or 5 s pass. */
  String exchangeRaw(String request) throws IOException {
    try (Socket socket = connect()) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
    return socket;
  }
}
