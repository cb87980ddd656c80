package dev.ostore.http;

import static com.google.common.base.Preconditions.checkArgument;

import dev.ostore.ServerAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An HTTP/1.1 server serving {@link Routes}, on Jetty's core API (measured faster than the JDK's
 * server here; see docs/decisions.md). Endpoints run on a bounded pool of threads and may block.
 * Closing stops it; idempotent.
 *
 * <pre>{@code
 * try (HttpService http = HttpService.start("data", new ServerAddress("127.0.0.1", 0), routes,
 *     HttpService.Settings.DEFAULT)) {
 *   ServerAddress bound = http.address(); // the real port
 * }
 * }</pre>
 */
public final class HttpService implements AutoCloseable {
  private final Server server;
  private final ServerAddress address;
  private final AtomicBoolean open = new AtomicBoolean(true);

  private HttpService(Server server, ServerAddress address) {
    this.server = server;
    this.address = address;
  }

  /** How many requests run at once, and how long a silent connection is kept. */
  public record Settings(int maxThreads, Duration idleTimeout) {
    public static final Settings DEFAULT = new Settings(200, Duration.ofSeconds(30));

    public Settings {
      checkArgument(maxThreads >= 8, "maxThreads (%s) must be at least 8", maxThreads);
      checkArgument(idleTimeout != null && !idleTimeout.isNegative() && !idleTimeout.isZero(),
          "idleTimeout (%s) must be positive", idleTimeout);
    }
  }

  /**
   * Listens on {@code bind} (port 0 picks a free port) and serves {@code routes}. {@code name}
   * names the threads and log lines.
   */
  public static HttpService start(String name, ServerAddress bind, Routes routes,
      Settings settings) throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(settings.maxThreads(), 8);
    threads.setName(name + "-http");
    Server server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    // Encoded '/', '.' and control characters reach the endpoints, whose name check explains what is wrong;
    // endpoints read the raw path, so nothing is ever resolved against a directory.
    config.setUriCompliance(UriCompliance.DEFAULT.with("ostore",
        UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
        UriCompliance.Violation.AMBIGUOUS_PATH_SEGMENT,
        UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
        UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS,
        UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS));
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
    connector.setHost(bind.host());
    connector.setPort(bind.port());
    connector.setIdleTimeout(settings.idleTimeout().toMillis());
    server.addConnector(connector);
    server.setHandler(new RoutingHandler(name, routes));
    server.setErrorHandler(new PlainTextErrorHandler());
    server.setStopTimeout(0);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      throw new IOException("cannot serve HTTP on " + bind + ": " + e.getMessage(), e);
    }
    return new HttpService(server, new ServerAddress(bind.host(), connector.getLocalPort()));
  }

  /** Where the server listens, with the real port when it was started on port 0. */
  public ServerAddress address() {
    return address;
  }

  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      stopQuietly(server);
    }
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      System.getLogger(HttpService.class.getName())
          .log(System.Logger.Level.WARNING, "HTTP server did not stop cleanly", e);
    }
  }
}
