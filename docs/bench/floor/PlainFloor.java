import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The least an HTTP server can do for a small GET: a thread per connection, blocking reads, and
 * the same answer of SIZE bytes from memory for every request (each ends at its blank line; no
 * request here has a body). A floor to measure stores against, not a server.
 *
 * <pre>java PlainFloor.java PORT [SIZE]</pre>
 */
public class PlainFloor {
  public static void main(String[] args) throws IOException {
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
    byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] answer = new byte[head.length + size];
    System.arraycopy(head, 0, answer, 0, head.length);
    try (ServerSocket server = new ServerSocket(Integer.parseInt(args[0]), 128,
        InetAddress.getLoopbackAddress())) {
      while (true) {
        Socket client = server.accept();
        client.setTcpNoDelay(true);
        new Thread(() -> answerEach(client, answer)).start();
      }
    }
  }

  /** Answers every request the client sends, each once its header's blank line is read. */
  private static void answerEach(Socket client, byte[] answer) {
    try (client; InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream()) {
      byte[] buffer = new byte[16384];
      int ending = 0; // how much of "\r\n\r\n" was read last
      for (int n; (n = in.read(buffer)) >= 0; ) {
        for (int i = 0; i < n; i++) {
          char expected = ending % 2 == 0 ? '\r' : '\n';
          ending = buffer[i] == expected ? ending + 1 : buffer[i] == '\r' ? 1 : 0;
          if (ending == 4) {
            out.write(answer);
            ending = 0;
          }
        }
      }
    } catch (IOException e) {
      // The client hung up.
    }
  }
}
