package dev.ostore.http;

import dev.ostore.ServerAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP by hand over a socket, for what a well-behaved client cannot send or would hide: malformed
 * requests, bodies that stop short, and responses cut off in the middle.
 */
final class RawHttp {
  private RawHttp() {}

  /**
   * Sends {@code request} (ISO-8859-1), optionally closes the sending side, and returns all the
   * server sent until it closed the connection or reset it.
   */
  static String send(ServerAddress server, String request, boolean shutdownOutput)
      throws IOException {
    try (Socket socket = new Socket(server.host(), server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      if (shutdownOutput) {
        socket.shutdownOutput();
      }
      return readUntilClosed(socket.getInputStream());
    }
  }

  /** The body of a raw response: everything after the blank line that ends the headers. */
  static String body(String response) {
    int end = response.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new AssertionError("no end of headers in: " + response);
    }
    return response.substring(end + 4);
  }

  /** The status line of a raw response. */
  static String statusLine(String response) {
    return response.substring(0, response.indexOf("\r\n"));
  }

  private static String readUntilClosed(InputStream in) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) != -1; ) {
        received.write(buffer, 0, n);
      }
    } catch (SocketException reset) {
      // A reset is how an aborted connection may end; what came before it is the answer.
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }
}
