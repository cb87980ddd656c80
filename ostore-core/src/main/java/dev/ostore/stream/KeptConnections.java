package dev.ostore.stream;

import dev.ostore.ServerAddress;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The {@link KeptConnection}s to data servers that are open and idle, for the next request to the
 * same server. A connection idle for longer than {@link #KEEP_IDLE} is closed rather than used:
 * a data server closes a silent connection after 30 s, and one that went away never answers. At
 * most {@link #MAX_IDLE_PER_SERVER} are kept per server. Closing closes the idle ones; those in
 * use are closed as they come back. Thread-safe.
 */
final class KeptConnections implements AutoCloseable {
  static final Duration KEEP_IDLE = Duration.ofSeconds(5);
  static final int MAX_IDLE_PER_SERVER = 32;

  private final InstantSource clock;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Map<ServerAddress, Deque<KeptConnection>> idle = new ConcurrentHashMap<>();
  private volatile boolean open = true;
  /** When idle connections of every server were last looked over, by {@link #clock}. */
  private volatile long sweptMillis;

  KeptConnections(InstantSource clock, Duration connectTimeout, Duration readTimeout) {
    this.clock = clock;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.sweptMillis = clock.millis();
  }

  /** The most recently used idle connection to {@code server}, or null when none is. */
  KeptConnection idle(ServerAddress server) {
    Deque<KeptConnection> kept = idle.get(server);
    long now = clock.millis();
    for (KeptConnection connection; kept != null && (connection = kept.pollFirst()) != null; ) {
      if (now - connection.idleSinceMillis < KEEP_IDLE.toMillis()) {
        return connection;
      }
      connection.close();
    }
    return null;
  }

  /** A new connection to {@code server}. */
  KeptConnection fresh(ServerAddress server) throws IOException {
    return KeptConnection.open(server, connectTimeout, readTimeout);
  }

  /** Takes back a connection whose last answer was read whole, for the next request. */
  void release(KeptConnection connection) {
    long now = clock.millis();
    connection.idleSinceMillis = now;
    Deque<KeptConnection> kept =
        idle.computeIfAbsent(connection.server, server -> new ConcurrentLinkedDeque<>());
    if (open && kept.size() < MAX_IDLE_PER_SERVER) {
      kept.addFirst(connection);
    } else {
      connection.close();
    }
    if (!open) {
      closeAll(kept); // close() may have emptied it before this connection came in
    }
    if (now - sweptMillis >= KEEP_IDLE.toMillis()) {
      sweptMillis = now;
      sweep(now);
    }
  }

  /** How many connections are idle, to every server: for tests. */
  int idleCount() {
    return idle.values().stream().mapToInt(Deque::size).sum();
  }

  /** Closes the connections idle for too long, so none to a server gone stays open for long. */
  private void sweep(long now) {
    for (Deque<KeptConnection> kept : idle.values()) {
      for (KeptConnection connection : kept) {
        // Removed first: one taken meanwhile by idle() is in use, not to be closed here.
        if (now - connection.idleSinceMillis >= KEEP_IDLE.toMillis() && kept.remove(connection)) {
          connection.close();
        }
      }
    }
  }

  @Override
  public void close() {
    open = false;
    idle.values().forEach(KeptConnections::closeAll);
  }

  private static void closeAll(Deque<KeptConnection> kept) {
    for (KeptConnection connection; (connection = kept.pollFirst()) != null; ) {
      connection.close();
    }
  }
}
