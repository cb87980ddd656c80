package dev.ostore.stream;

import dev.ostore.ServerAddress;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
  private final Map<ServerAddress, Idle> idle = new ConcurrentHashMap<>();
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
    Idle kept = idle.get(server);
    long now = clock.millis();
    for (KeptConnection connection; kept != null && (connection = kept.poll()) != null; ) {
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
    Idle kept = idle.computeIfAbsent(connection.server, server -> new Idle());
    if (!open || !kept.offer(connection)) {
      connection.close();
    }
    if (!open) {
      closeAll(kept.takeAll()); // close() may have emptied it before this connection came in
    }
    if (now - sweptMillis >= KEEP_IDLE.toMillis()) {
      sweptMillis = now;
      sweep(now);
    }
  }

  /** How many connections are idle, to every server: for tests. */
  int idleCount() {
    return idle.values().stream().mapToInt(Idle::size).sum();
  }

  /** Closes the connections idle for too long, so none to a server gone stays open for long. */
  private void sweep(long now) {
    for (Idle kept : idle.values()) {
      closeAll(kept.takeGivenBackBy(now - KEEP_IDLE.toMillis()));
    }
  }

  @Override
  public void close() {
    open = false;
    idle.values().forEach(kept -> closeAll(kept.takeAll()));
  }

  private static void closeAll(List<KeptConnection> connections) {
    connections.forEach(KeptConnection::close);
  }

  /**
   * One server's idle connections, the most recently given back first. A lock rather than a
   * concurrent deque, whose size is a walk over it on every connection given back; connections
   * are closed outside it.
   */
  private static final class Idle {
    private final Deque<KeptConnection> connections = new ArrayDeque<>();

    synchronized KeptConnection poll() {
      return connections.pollFirst();
    }

    /** Keeps {@code connection}, unless the most kept per server are kept already. */
    synchronized boolean offer(KeptConnection connection) {
      if (connections.size() >= MAX_IDLE_PER_SERVER) {
        return false;
      }
      connections.addFirst(connection);
      return true;
    }

    /** Takes out those given back at {@code millis} or before: the last ones. */
    synchronized List<KeptConnection> takeGivenBackBy(long millis) {
      List<KeptConnection> taken = new ArrayList<>();
      while (!connections.isEmpty() && connections.peekLast().idleSinceMillis <= millis) {
        taken.add(connections.pollLast());
      }
      return taken;
    }

    synchronized List<KeptConnection> takeAll() {
      List<KeptConnection> taken = new ArrayList<>(connections);
      connections.clear();
      return taken;
    }

    synchronized int size() {
      return connections.size();
    }
  }
}
