package dev.ostore.stream;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.ostore.ServerAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP/1.1 on sockets, a thread per connection: reads each request whole (its body as long as
 * its {@code Content-Length}, none without one) and writes a fixed answer, or nothing when it is
 * null; closes each connection after one request if asked. It counts what a client's
 * connections did, which a real server does not tell.
 */
final class RawHttpServer implements AutoCloseable {
  final List<Integer> bodies = new CopyOnWriteArrayList<>();
  /** The length of the first read of each request: how much of it came in one piece. */
  final List<Integer> firstReads = new CopyOnWriteArrayList<>();
  final AtomicInteger accepted = new AtomicInteger();
  /** Connections the client closed, or the server after its one request. */
  final AtomicInteger closed = new AtomicInteger();
  private final ServerSocket socket;
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private final Thread thread;

  /** An answer of {@code status} with the body "ok\n", its length given. */
  static String answer(String status) {
    return "HTTP/1.1 " + status + "\r\nContent-Length: 3\r\n\r\nok\n";
  }

  RawHttpServer(String status, boolean closeAfterEach) throws IOException {
    this(closeAfterEach, answer(status));
  }

  RawHttpServer(boolean closeAfterEach, String answer) throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    thread = new Thread(() -> {
      try {
        while (true) {
          Socket connection = socket.accept();
          accepted.incrementAndGet();
          connections.add(connection);
          new Thread(() -> serve(connection, answer, closeAfterEach)).start();
        }
      } catch (IOException e) {
        // closed by the test
      }
    });
    thread.start();
  }

  /** Where it listens. */
  ServerAddress address() {
    return new ServerAddress("127.0.0.1", socket.getLocalPort());
  }

  private void serve(Socket connection, String answer, boolean once) {
    try (connection) {
      PushbackInputStream in = new PushbackInputStream(connection.getInputStream(), 65536);
      OutputStream out = connection.getOutputStream();
      do {
        byte[] first = new byte[65536];
        int n = in.read(first);
        if (n < 0) {
          break;
        }
        firstReads.add(n);
        in.unread(first, 0, n);
        int length = -1;
        for (String line; !(line = readLine(in)).isEmpty(); ) {
          if (line.toLowerCase().startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).strip());
          }
        }
        bodies.add(in.readNBytes(Math.max(0, length)).length);
        if (answer != null) {
          out.write(answer.getBytes(ISO_8859_1));
          out.flush();
        }
      } while (!once);
    } catch (IOException e) {
      // the connection ended
    }
    closed.incrementAndGet();
  }

  /** One line without its CRLF; a connection that ends is an IOException. */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new IOException("connection ended");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Override
  public void close() throws Exception {
    socket.close();
    for (Socket connection : connections) {
      connection.close();
    }
    thread.join(5000);
  }
}
