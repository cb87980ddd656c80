package dev.ostore.http;

import static com.google.common.base.Preconditions.checkArgument;

import dev.ostore.ServerAddress;
import java.io.IOException;
import java.net.BindException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An HTTP/1.1 server serving {@link Routes}, on Jetty's core API (measured faster than the JDK's
 * server here; see docs/decisions.md). Endpoints run on a bounded pool of threads and may block;
 * those of routes {@linkplain Routes.Builder#answerQuickly answered quickly} are tried first on
 * the thread that read the request, where they may not.
 * Closing stops it at once, {@link #stop} gracefully; both are idempotent.
 *
 * <pre>{@code
 * try (HttpService http = HttpService.start("data", new ServerAddress("127.0.0.1", 0), routes,
 *     HttpService.Settings.DEFAULT)) {
 *   ServerAddress bound = http.address(); // the real port
 * }
 * }</pre>
 */
public final class HttpService implements AutoCloseable {
  /**
   * Bytes read from a connection at a time: a shard's 64 KiB chunk in one read rather than
   * Jetty's default eight, which cost a data server most of its CPU in system calls.
   */
  private static final int INPUT_BUFFER_SIZE = 64 * 1024;
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
    return listen(name, bind, settings).serve(routes);
  }

  /**
   * Takes the address {@code bind} without serving it yet, so that a server learns that its port
   * is taken before it creates anything on disk. An address in use, or not of this machine, is an
   * {@link IOException} whose one-line message says so.
   */
  public static Listener listen(String name, ServerAddress bind, Settings settings)
      throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(settings.maxThreads(), 8);
    threads.setName(name + "-http");
    Server server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    config.setInputBufferSize(INPUT_BUFFER_SIZE);
    // Encoded '/', '.' and control characters reach the endpoints, whose name check explains what is wrong;
    // endpoints read the raw path, so nothing is ever resolved against a directory.
    config.setUriCompliance(UriCompliance.DEFAULT.with("ostore",
        UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
        UriCompliance.Violation.AMBIGUOUS_PATH_SEGMENT,
        UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
        UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS,
        UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS));
    ServerConnector connector =
        new ServerConnector(server, new HeadKeepingConnectionFactory(config));
    connector.setHost(bind.host());
    connector.setPort(bind.port());
    connector.setIdleTimeout(settings.idleTimeout().toMillis());
    server.addConnector(connector);
    try {
      connector.open();
    } catch (IOException | RuntimeException e) {
      connector.close();
      throw new IOException(cannotListen(bind, e), e);
    }
    return new Listener(name, server, connector, bind, config.getRequestHeaderSize());
  }

  /** An address taken by {@link #listen} and not served yet. Closing frees it; idempotent. */
  public static final class Listener implements AutoCloseable {
    private final String name;
    private final Server server;
    private final ServerConnector connector;
    private final ServerAddress address;
    private final int maxHeadBytes;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private Listener(String name, Server server, ServerConnector connector, ServerAddress bind,
        int maxHeadBytes) {
      this.name = name;
      this.server = server;
      this.connector = connector;
      this.maxHeadBytes = maxHeadBytes;
      this.address = new ServerAddress(bind.host(), connector.getLocalPort());
    }

    /** The address taken, with the real port when it was asked for port 0. */
    public ServerAddress address() {
      return address;
    }

    /** Serves {@code routes} on the address; the listener then belongs to the service. */
    public HttpService serve(Routes routes) throws IOException {
      return serve(routes, RequestObserver.NONE);
    }

    /** As {@link #serve(Routes)}, telling {@code observer} of every request answered. */
    public HttpService serve(Routes routes, RequestObserver observer) throws IOException {
      if (!open.compareAndSet(true, false)) {
        throw new IllegalStateException("listener on " + address + " is closed or served");
      }
      // Counts requests in flight, so that a graceful stop can wait for them.
      server.setHandler(new GracefulHandler(new RoutingHandler(name, routes, observer)));
      server.setErrorHandler(new PlainTextErrorHandler(name, maxHeadBytes, observer));
      server.setStopTimeout(0);
      try {
        server.start();
      } catch (Exception e) {
        stopQuietly(server);
        throw new IOException("cannot serve HTTP on " + address + ": " + e.getMessage(), e);
      }
      return new HttpService(server, address);
    }

    @Override
    public void close() {
      if (open.compareAndSet(true, false)) {
        connector.close();
      }
    }
  }

  /** Where the server listens, with the real port when it was started on port 0. */
  public ServerAddress address() {
    return address;
  }

  /** Stops at once: requests in flight are cut off. */
  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      stopQuietly(server);
    }
  }

  /**
   * Stops gracefully: no new connection is accepted, requests in flight get up to {@code grace}
   * to finish, then whatever is left is cut off. Returns whether every request finished. Does
   * nothing once the service is stopped.
   */
  public boolean stop(Duration grace) {
    checkArgument(grace.toMillis() > 0, "grace (%s) must be positive", grace);
    if (!open.compareAndSet(true, false)) {
      return true;
    }
    server.setStopTimeout(grace.toMillis());
    try {
      server.stop();
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (Exception e) {
      logStopFailure(e);
      return true;
    }
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      logStopFailure(e);
    }
  }

  /** Jetty's message is "Failed to bind to /127.0.0.1:8080", the cause at the bottom. */
  private static String cannotListen(ServerAddress bind, Exception e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof UnresolvedAddressException) {
      return "cannot listen on " + bind + ": unknown host " + bind.host();
    }
    String reason = String.valueOf(cause.getMessage());
    if (cause instanceof BindException && reason.contains("already in use")) {
      return bind + " is in use by another process";
    }
    if (cause instanceof BindException && reason.contains("assign requested address")) {
      return "cannot listen on " + bind + ": it is not an address of this machine";
    }
    return "cannot listen on " + bind + ": " + reason;
  }

  private static void logStopFailure(Exception e) {
    System.getLogger(HttpService.class.getName())
        .log(System.Logger.Level.WARNING, "HTTP server did not stop cleanly", e);
  }
}
