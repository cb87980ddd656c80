package dev.ostore;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on a loopback port to a real service of the tests (the broker, the database).
 * Started {@linkplain #startCut cut} and then restored, it plays a service that comes up after
 * its clients; it also counts the connections clients open through it, tells which of the
 * service's connections they are, and can drop them as a lost network would. Pointed at a port
 * where nothing listens, it plays a service that is down behind a load balancer: it accepts each
 * connection and closes it; {@link #cut} plays that outage on its own port.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final AtomicInteger accepted = new AtomicInteger();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<Socket> upstreams = ConcurrentHashMap.newKeySet();
  /** Between {@link #cut} and {@link #restore}; guarded by {@code this}. */
  private boolean cut;

  private TcpProxy(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
  }

  /**
   * Forwards a loopback port the system picks, its {@link #port}, to {@code target}. Not a port
   * picked free beforehand: any process on the machine could take that one before the bind.
   */
  public static TcpProxy start(InetSocketAddress target) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    TcpProxy proxy = new TcpProxy(server, target);
    daemon(proxy::acceptAll);
    return proxy;
  }

  /**
   * Starts {@linkplain #cut cut}: clients given its {@link #port} find the service down until
   * {@link #restore}, and the port is the proxy's all along.
   */
  public static TcpProxy startCut(InetSocketAddress target) throws IOException {
    TcpProxy proxy = start(target);
    proxy.cut();
    return proxy;
  }

  /**
   * A loopback port bound but not listening, held until the socket is closed: connections to it
   * are refused, and no other process on the machine can take it meanwhile, as it could take a
   * port found free and let go.
   */
  public static Socket reservedPort() throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return socket;
  }

  /** The loopback port it listens on. */
  public int port() {
    return server.getLocalPort();
  }

  /** The connections clients opened through it, but those closed at once while {@link #cut}. */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /** The ports the service sees the open connections come from (RabbitMQ's peer_port). */
  public Set<Integer> upstreamPorts() {
    Set<Integer> ports = new HashSet<>();
    for (Socket upstream : upstreams) {
      if (!upstream.isClosed()) {
        ports.add(upstream.getLocalPort());
      }
    }
    return ports;
  }

  /** Closes every connection forwarded so far, and keeps accepting new ones. */
  public void dropConnections() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  /**
   * Plays the service going down: drops every connection, and closes each new one at once until
   * {@link #restore}. The proxy keeps its port meanwhile: closed and started again, it would leave
   * the port free for any process on the machine to take before the service's return.
   */
  public synchronized void cut() throws IOException {
    cut = true;
    dropConnections();
  }

  /** Plays the service's return after {@link #cut}: forwards new connections again. */
  public synchronized void restore() {
    cut = false;
  }

  @Override
  public void close() throws IOException {
    server.close();
    dropConnections();
  }

  private void acceptAll() {
    while (true) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      forward(client);
    }
  }

  /** Under the lock, so that no connection forwarded while {@link #cut} runs outlives it. */
  private synchronized void forward(Socket client) {
    if (cut) {
      closeQuietly(client);
      return;
    }
    // Not at accept: those closed while cut were never a client's connection to the service.
    accepted.incrementAndGet();
    try {
      Socket upstream = new Socket(target.getAddress(), target.getPort());
      sockets.add(client);
      sockets.add(upstream);
      upstreams.add(upstream);
      daemon(() -> pipe(client, upstream));
      daemon(() -> pipe(upstream, client));
    } catch (IOException e) {
      // The service is down: its client sees the connection closed, as behind a load balancer.
      closeQuietly(client);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing was sent on it.
    }
  }

  /** Copies until either side closes, then closes both, as a service that goes away would. */
  private static void pipe(Socket from, Socket to) {
    try (from; to) {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // The other direction closed the sockets first.
    }
  }

  private static void daemon(Runnable task) {
    Thread thread = new Thread(task, "tcp-proxy");
    thread.setDaemon(true);
    thread.start();
  }
}
