package dev.ostore.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A TCP proxy on loopback in front of a server that breaks the network: the first {@code cuts}
 * connections are cut once the server has sent {@code after} bytes down them (or, made by {@link
 * #cuttingRequests}, once the client has sent that many up them), as a dropped link would; later
 * ones pass everything. {@link #cuttingRequestsAt} cuts each connection where a supplier says.
 */
public final class CuttingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  /** The bytes each new connection may carry before it is cut. */
  private final LongSupplier limits;
  private final boolean requests;
  private final AtomicInteger cutsLeft = new AtomicInteger();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  CuttingProxy(URI server, int cuts, long after) throws IOException {
    this(server, cuts, after, false);
  }

  private CuttingProxy(URI server, int cuts, long after, boolean requests) throws IOException {
    this(server, requests, () -> after);
    cutsLeft.set(cuts);
  }

  private CuttingProxy(URI server, boolean requests, LongSupplier limits) throws IOException {
    this.target = new InetSocketAddress(server.getHost(), server.getPort());
    this.limits = limits;
    this.requests = requests;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  /** A proxy that cuts the first {@code cuts} connections after the client sent {@code after}. */
  public static CuttingProxy cuttingRequests(URI server, int cuts, long after) throws IOException {
    return new CuttingProxy(server, cuts, after, true);
  }

  /**
   * A proxy that cuts each connection once the client sent as many bytes up it as {@code limits}
   * answers when it opens ({@link Long#MAX_VALUE}: never).
   */
  public static CuttingProxy cuttingRequestsAt(URI server, LongSupplier limits)
      throws IOException {
    CuttingProxy proxy = new CuttingProxy(server, true, limits);
    proxy.cutsLeft.set(Integer.MAX_VALUE);
    return proxy;
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** How many cuts are still to come. */
  public int cutsLeft() {
    return Math.max(0, cutsLeft.get());
  }

  @Override
  public void close() throws IOException {
    listener.close();
    threads.shutdownNow();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(target.getAddress(), target.getPort());
        long limit = cutsLeft.getAndDecrement() > 0 ? limits.getAsLong() : Long.MAX_VALUE;
        threads.execute(() -> pipe(client, server, requests ? limit : Long.MAX_VALUE));
        threads.execute(() -> pipe(server, client, requests ? Long.MAX_VALUE : limit));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Copies {@code from} to {@code to} until either ends or {@code limit} went; then cuts both. */
  private static void pipe(Socket from, Socket to, long limit) {
    byte[] buffer = new byte[16 * 1024];
    long sent = 0;
    try (from; to) {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while (sent < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length,
          limit - sent))) >= 0) {
        out.write(buffer, 0, n);
        sent += n;
      }
    } catch (IOException e) {
      // one side went away: both are closed
    }
  }
}
