package dev.ostore.client;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A scriptable stand-in for the ostore api server, on loopback port 0: it keeps objects in
 * memory under their raw (still percent-encoded) path segment, records every request, and can be
 * told to answer the next request with an error or to cut GET bodies short. It speaks only the
 * protocol's happy path and scripted failures; the real server is tested elsewhere.
 */
public final class FakeOstoreServer implements AutoCloseable {
  /** What the server saw of one request. */
  public record Request(String method, String rawPath, Headers headers, long bodyBytes) {}

  /** An error answer to give once, instead of the normal one. */
  private record ScriptedError(int status, String message) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicReference<ScriptedError> nextError = new AtomicReference<>();
  private volatile boolean cutGetBodies;

  public FakeOstoreServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/objects/", this::objects);
    server.createContext("/locate/", this::locate);
    // Set before start: by default the JDK server runs every handler on its one dispatcher.
    server.setExecutor(executor);
    server.start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The object stored under a raw path segment such as {@code a%20b}, or null. */
  public byte[] object(String rawSegment) {
    return objects.get(rawSegment);
  }

  public void store(String rawSegment, byte[] bytes) {
    objects.put(rawSegment, bytes.clone());
  }

  /** The next request, whatever it is, gets this status and one-line message. */
  public void answerNextWith(int status, String message) {
    nextError.set(new ScriptedError(status, message));
  }

  /** GETs announce the whole Content-Length but send only half, then drop the connection. */
  public void cutGetBodies() {
    cutGetBodies = true;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void objects(HttpExchange exchange) throws IOException {
    try (exchange) {
      String segment = segment(exchange, "/objects/");
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestHeaders(), body.length));
      if (answeredScriptedError(exchange)) {
        return;
      }
      byte[] stored = objects.get(segment);
      switch (exchange.getRequestMethod()) {
        case "PUT" -> {
          objects.put(segment, body);
          answer(exchange, 200, "stored");
        }
        case "GET", "HEAD" -> {
          if (stored == null) {
            answer(exchange, 404, "no such object: " + segment);
          } else {
            sendObject(exchange, stored);
          }
        }
        default -> {
          exchange.getResponseHeaders().set("Allow", "GET, HEAD, PUT");
          answer(exchange, 405, "method not allowed: " + exchange.getRequestMethod());
        }
      }
    }
  }

  private void locate(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestHeaders(), 0));
      if (answeredScriptedError(exchange)) {
        return;
      }
      String segment = segment(exchange, "/locate/");
      if (objects.containsKey(segment)) {
        answer(exchange, 200, "\"127.0.0.1:9001\"");
      } else {
        answer(exchange, 404, "no data server holds " + segment);
      }
    }
  }

  private void sendObject(HttpExchange exchange, byte[] stored) throws IOException {
    if (exchange.getRequestMethod().equals("HEAD")) {
      // A length passed for HEAD would be taken as a body to send; set the header instead.
      exchange.getResponseHeaders().set("Content-Length", Long.toString(stored.length));
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    exchange.sendResponseHeaders(200, stored.length == 0 ? -1 : stored.length);
    OutputStream out = exchange.getResponseBody();
    if (cutGetBodies) {
      out.write(stored, 0, stored.length / 2);
      out.flush();
      // The JDK server drops the connection when a handler throws: just the cut we want.
      throw new IOException("cutting the body short on purpose");
    }
    out.write(stored);
  }

  private boolean answeredScriptedError(HttpExchange exchange) throws IOException {
    ScriptedError error = nextError.getAndSet(null);
    if (error != null) {
      answer(exchange, error.status(), error.message());
    }
    return error != null;
  }

  private static String segment(HttpExchange exchange, String context) {
    return exchange.getRequestURI().getRawPath().substring(context.length());
  }

  private static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }
}
