package dev.ostore.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * A loopback port bound but not listening, held until closed: connections to it are refused, and
 * no other process on the machine can take it meanwhile, as it could take a port found free and
 * let go. The same as ostore-core's {@code TcpProxy.reservedPort()}, whose test classes this
 * module's tests do not see.
 */
public final class ReservedPort implements AutoCloseable {
  private final Socket socket = new Socket();

  public ReservedPort() throws IOException {
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  /** An api server's URI on the port, where no server is. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
