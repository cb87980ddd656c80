package dev.ostore.stream;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.ostore.ServerAddress;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * A connection to a data server on which whole requests are written as one piece, head and body
 * together, and answers read, a short one whole or a long body straight from the socket: HTTP/1.1
 * spoken directly. {@link java.net.HttpURLConnection} writes a request's head and body apart, so
 * that a data server wakes twice for it, and asks the socket how much it holds before each read
 * of a body. Kept open between requests by {@link KeptConnections}. Not thread-safe.
 */
final class KeptConnection implements AutoCloseable {
  /** The longest head of an answer read: a data server's are a few hundred bytes. */
  private static final int MAX_HEAD = 16 * 1024;
  /** The longest answer body read through to keep the connection; past it, it is closed. */
  private static final int MAX_DRAINED = 64 * 1024;

  final ServerAddress server;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  /** What was read from the socket and not yet taken: {@code buffer[at, end)}. */
  private final byte[] buffer = new byte[4096];
  private int at;
  private int end;
  /** When it was last given back to the pool, by the pool's clock. */
  long idleSinceMillis;

  private KeptConnection(ServerAddress server, Socket socket) throws IOException {
    this.server = server;
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code server}; reads time out after {@code readTimeout}. */
  static KeptConnection open(ServerAddress server, Duration connectTimeout,
      Duration readTimeout) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(server.toSocketAddress(),
          Math.toIntExact(connectTimeout.toMillis()));
      socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
      return new KeptConnection(server, socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Writes {@code request}, a whole request, in one piece. A failure is a {@link NoAnswer}: the
   * server cannot have answered a request it did not get whole.
   */
  void write(byte[] request) throws NoAnswer {
    try {
      out.write(request);
    } catch (IOException e) {
      throw new NoAnswer(e.toString());
    }
  }

  /**
   * Reads the head of the answer to the request written last, past any interim answer. An
   * answer that does not come at all, the connection closed or reset before its first byte, is a
   * {@link NoAnswer}.
   */
  Head readHead() throws IOException {
    int first;
    try {
      first = next();
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      throw new NoAnswer(e.toString());
    }
    if (first < 0) {
      throw new NoAnswer("the connection was closed");
    }
    Head head = parseHead((char) first + readLine());
    while (head.status / 100 == 1) { // 100 Continue and its kind: the answer follows
      head = parseHead(readLine());
    }
    return head;
  }

  /**
   * Reads the answer to the request written last, keeping at most {@code maxText} bytes of its
   * body; as {@link #readHead()} for an answer that does not come.
   */
  Response read(int maxText) throws IOException {
    Head head = readHead();
    byte[] text = readText(head, maxText);
    boolean reusable = head.keepAlive && (bodiless(head) || head.chunked || head.length >= 0)
        && head.length <= MAX_DRAINED;
    return new Response(head.status, text, reusable);
  }

  /** Reads the body of an answer whose head was read, keeping at most {@code maxText} bytes. */
  byte[] readText(Head head, int maxText) throws IOException {
    return bodiless(head) ? new byte[0]
        : head.chunked ? readChunked(maxText) : readShortBody(head.length, maxText);
  }

  /** Whether an answer has no body whatever its fields say. */
  private static boolean bodiless(Head head) {
    return head.status == 204 || head.status == 304;
  }

  /**
   * Reads at most {@code count} bytes of a body whose head was read, straight from the socket
   * when none are buffered; -1 at the connection's end.
   */
  int readBody(byte[] bytes, int offset, int count) throws IOException {
    if (at < end) {
      int n = Math.min(count, end - at);
      System.arraycopy(buffer, at, bytes, offset, n);
      at += n;
      return n;
    }
    return in.read(bytes, offset, count);
  }

  /** A status, the first {@code maxText} bytes of the body, and whether the connection can go on. */
  record Response(int status, byte[] text, boolean reusable) {}

  /** The connection ended or failed before any of the answer came: the request may be sent again. */
  static final class NoAnswer extends IOException {
    NoAnswer(String why) {
      super("no answer: " + why);
    }
  }

  /**
   * An answer's status and fields, the names in lower case; its body's length (-1 when chunked
   * or not given), and whether the connection may carry another request after it.
   */
  record Head(int status, long length, boolean chunked, boolean keepAlive,
      Map<String, String> fields) {
    Optional<String> field(String name) {
      return Optional.ofNullable(fields.get(name.toLowerCase(Locale.ROOT)));
    }
  }

  private Head parseHead(String statusLine) throws IOException {
    // "HTTP/1.1 201 Created"
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12
        || statusLine.charAt(8) != ' ') {
      throw new IOException("not an HTTP answer: " + abbreviate(statusLine));
    }
    int status;
    try {
      status = Integer.parseInt(statusLine.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status: " + abbreviate(statusLine));
    }
    long length = -1;
    boolean chunked = false;
    boolean keepAlive = statusLine.startsWith("HTTP/1.1");
    Map<String, String> fields = new HashMap<>();
    int headBytes = statusLine.length();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      headBytes += line.length();
      if (headBytes > MAX_HEAD) {
        throw new IOException("an answer's head longer than " + MAX_HEAD + " bytes");
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String given = line.substring(colon + 1).trim();
      fields.put(name, given);
      String value = given.toLowerCase(Locale.ROOT);
      switch (name) {
        case "content-length" -> length = parseLength(value);
        case "transfer-encoding" -> chunked = value.endsWith("chunked");
        case "connection" -> keepAlive &= !value.contains("close");
        default -> { }
      }
    }
    return new Head(status, chunked ? -1 : length, chunked, keepAlive, fields);
  }

  private static long parseLength(String value) throws IOException {
    try {
      long length = Long.parseLong(value);
      if (length >= 0) {
        return length;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IOException("a wrong Content-Length: " + abbreviate(value));
  }

  /** A body of {@code length} bytes (to the connection's end when -1), up to {@code maxText}. */
  private byte[] readShortBody(long length, int maxText) throws IOException {
    if (length < 0) {
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      keep(text, maxText, Long.MAX_VALUE);
      return text.toByteArray();
    }
    ByteArrayOutputStream text = new ByteArrayOutputStream((int) Math.min(length, maxText));
    if (keep(text, maxText, Math.min(length, MAX_DRAINED)) < Math.min(length, MAX_DRAINED)) {
      throw new EOFException("the answer ended early");
    }
    return text.toByteArray();
  }

  private byte[] readChunked(int maxText) throws IOException {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    long total = 0;
    while (true) {
      String sizeLine = readLine();
      int extension = sizeLine.indexOf(';');
      long size;
      try {
        size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension))
            .trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("a wrong chunk size: " + abbreviate(sizeLine));
      }
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // trailers: none used
        }
        return text.toByteArray();
      }
      total += size;
      if (total > MAX_DRAINED) {
        throw new IOException("an answer longer than " + MAX_DRAINED + " bytes");
      }
      if (keep(text, maxText, size) < size) {
        throw new EOFException("the answer ended early");
      }
      readLine(); // the chunk's CRLF
    }
  }

  /** Reads {@code count} bytes (or to the end), keeping what fits in {@code maxText}. */
  private long keep(ByteArrayOutputStream text, int maxText, long count) throws IOException {
    long read = 0;
    while (read < count && (at < end || fill())) {
      int n = (int) Math.min(end - at, count - read);
      text.write(buffer, at, Math.max(0, Math.min(n, maxText - text.size())));
      at += n;
      read += n;
    }
    return read;
  }

  /** The next byte, or -1 at the connection's end. */
  private int next() throws IOException {
    return at < end || fill() ? buffer[at++] & 0xff : -1;
  }

  /** Reads more from the socket; false at its end. */
  private boolean fill() throws IOException {
    int n = in.read(buffer);
    if (n < 0) {
      return false;
    }
    at = 0;
    end = n;
    return true;
  }

  /** A line without its line end; the connection ending first is an {@link EOFException}. */
  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int c = next(); c != '\n'; c = next()) {
      if (c < 0) {
        throw new EOFException("the answer ended early");
      }
      if (line.length() > MAX_HEAD) {
        throw new IOException("an answer's line longer than " + MAX_HEAD + " bytes");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /**
   * A request to {@code server}: its head, in one line per field, followed by {@code body}; with
   * no body at all (no {@code Content-Length}) when that is null.
   */
  static byte[] request(ServerAddress server, String method, String path,
      Map<String, String> headers, byte[] body) {
    StringBuilder head = new StringBuilder(256).append(token(method)).append(' ')
        .append(target(path)).append(" HTTP/1.1\r\nHost: ").append(server).append("\r\n");
    if (body == null) {
      body = new byte[0];
    } else {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    headers.forEach((name, value) ->
        head.append(token(name)).append(": ").append(inLine(value)).append("\r\n"));
    byte[] headBytes = head.append("\r\n").toString().getBytes(ISO_8859_1);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }

  /** {@code text}, which must have no space or control character: a method or header name. */
  private static String token(String text) {
    if (text.isEmpty() || any(text, c -> c <= ' ' || c >= 0x7f || c == ':')) {
      throw new IllegalArgumentException("not an HTTP token: " + text);
    }
    return text;
  }

  /** {@code path}, which must be an absolute path with no space or control character. */
  private static String target(String path) {
    if (!path.startsWith("/") || any(path, c -> c <= ' ' || c >= 0x7f)) {
      throw new IllegalArgumentException("not a request target: " + path);
    }
    return path;
  }

  /** {@code text}, which must not break the line it is written on. */
  private static String inLine(String text) {
    if (any(text, c -> c == '\r' || c == '\n' || c >= 0x100)) {
      throw new IllegalArgumentException("not one line of Latin-1 text: " + text);
    }
    return text;
  }

  /**
   * Whether any of {@code text}'s characters is one {@code test} accepts: a loop, not a stream,
   * since every request's head is checked with it (benchmarks.md, section 45).
   */
  private static boolean any(String text, IntPredicate test) {
    for (int i = 0; i < text.length(); i++) {
      if (test.test(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static String abbreviate(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing is left to lose
    }
  }
}
