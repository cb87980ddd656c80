package dev.ostore.bus;

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
 * A TCP forwarder on a loopback port to the test broker. Started late, it plays a broker that
 * comes up after its clients; it also counts the connections clients open through it, tells which
 * of the broker's connections they are, and can drop them as a lost network would.
 */
final class RabbitMqProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress broker;
  private final AtomicInteger accepted = new AtomicInteger();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<Socket> upstreams = ConcurrentHashMap.newKeySet();

  private RabbitMqProxy(ServerSocket server, InetSocketAddress broker) {
    this.server = server;
    this.broker = broker;
  }

  /** Forwards {@code port} on the loopback address to {@code broker}. */
  static RabbitMqProxy start(int port, InetSocketAddress broker) throws IOException {
    ServerSocket server = new ServerSocket();
    // The port was taken and released a moment ago to learn that it was free.
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    RabbitMqProxy proxy = new RabbitMqProxy(server, broker);
    daemon(proxy::acceptAll);
    return proxy;
  }

  /** A loopback port nothing listens on. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  int connectionsAccepted() {
    return accepted.get();
  }

  /** The ports the broker sees the open connections come from: its peer_port of each. */
  Set<Integer> upstreamPorts() {
    Set<Integer> ports = new HashSet<>();
    for (Socket upstream : upstreams) {
      if (!upstream.isClosed()) {
        ports.add(upstream.getLocalPort());
      }
    }
    return ports;
  }

  /** Closes every connection forwarded so far, and keeps accepting new ones. */
  void dropConnections() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    dropConnections();
  }

  private void acceptAll() {
    while (true) {
      try {
        Socket client = server.accept();
        accepted.incrementAndGet();
        Socket upstream = new Socket(broker.getAddress(), broker.getPort());
        sockets.add(client);
        sockets.add(upstream);
        upstreams.add(upstream);
        daemon(() -> pipe(client, upstream));
        daemon(() -> pipe(upstream, client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Copies until either side closes, then closes both, as a broker that goes away would. */
  private static void pipe(Socket from, Socket to) {
    try (from; to) {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // The other direction closed the sockets first.
    }
  }

  private static void daemon(Runnable task) {
    Thread thread = new Thread(task, "rabbitmq-proxy");
    thread.setDaemon(true);
    thread.start();
  }
}
