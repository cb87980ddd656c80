package dev.ostore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ostore.Precondition;
import dev.ostore.ServerAddress;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A server on a loopback port whose {@code PUT /write} reads a write's conditions ({@link
 * ConditionalHeaders#ofWrite}) and whose {@code GET /read} answers with the endpoint a test gives,
 * and a client that sends them headers as they come.
 */
final class HeaderProbe implements AutoCloseable {
  private final HttpClient client = HttpClient.newBuilder()
      .proxy(HttpClient.Builder.NO_PROXY).version(HttpClient.Version.HTTP_1_1).build();
  private final HttpService server;
  /** What {@code PUT /write} last read. */
  private volatile Precondition written;

  HeaderProbe(Endpoint read) throws IOException {
    server = HttpService.start("header-probe", new ServerAddress("127.0.0.1", 0),
        Routes.builder()
            .add("PUT", "/write", exchange -> {
              written = ConditionalHeaders.ofWrite(exchange);
              exchange.respondText(200, "read");
            })
            .add("GET", "/read", read)
            .build(),
        HttpService.Settings.DEFAULT);
  }

  /** What a write with {@code headers} (name, value, name, value...) asks; it must be a 200. */
  Precondition written(String... headers) throws Exception {
    written = null;
    assertEquals(200, send("PUT", "/write", headers).statusCode());
    return written;
  }

  HttpResponse<String> write(String... headers) throws Exception {
    return send("PUT", "/write", headers);
  }

  HttpResponse<String> read(String... headers) throws Exception {
    return send("GET", "/read", headers);
  }

  private HttpResponse<String> send(String method, String path, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create(server.address().baseUri() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.close();
  }
}
