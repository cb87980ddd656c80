package dev.ostore.stream;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;

/**
 * The bytes of an object as a data server sends them. {@link #length()} is known before the
 * first byte; a transfer that breaks or ends early throws {@code DATA_SERVER_FAILED} rather than
 * passing for a shorter object. Close it when done: a stream not read to the end closes its
 * connection, one read whole leaves it for reuse. Not thread-safe.
 *
 * <p>A body without a {@code Content-Length} is refused: {@link java.net.HttpURLConnection} reads
 * a chunked body cut before its last chunk as a clean end, so its length could not be trusted.
 *
 * <p>It reads straight from the connection: a pipe would add a thread and a copy here for
 * nothing, since both the HTTP client and the reader pull (see docs/decisions.md).
 */
public final class GetStream extends InputStream {
  private static final int COPY_BUFFER = 64 * 1024;
  private final ServerAddress server;
  private final String path;
  private final Source source;
  private final long length;
  private long read;
  private boolean closed;

  private GetStream(ServerAddress server, String path, Source source, long length) {
    this.server = server;
    this.path = path;
    this.source = source;
    this.length = length;
  }

  /** Where the bytes come from, and how the exchange ends. */
  private interface Source {
    int read(byte[] bytes, int offset, int count) throws IOException;

    Optional<String> header(String name);

    /** Ends an exchange whose body was read whole: its connection may carry another. */
    void finish();

    /** Ends an exchange cut short by closing its connection. */
    void abort();
  }

  /** The answer to {@code call}, sent, on {@link java.net.HttpURLConnection}. */
  static GetStream open(HttpCall call) throws IOException {
    try {
      long length = call.expectOk();
      if (length < 0) {
        throw withoutLength(call.server, call.path);
      }
      InputStream body = call.connection.getInputStream();
      return new GetStream(call.server, call.path, new Source() {
        @Override
        public int read(byte[] bytes, int offset, int count) throws IOException {
          return body.read(bytes, offset, count);
        }

        @Override
        public Optional<String> header(String name) {
          return Optional.ofNullable(call.connection.getHeaderField(name));
        }

        @Override
        public void finish() {
          call.finish();
        }

        @Override
        public void abort() {
          call.abort();
        }
      }, length);
    } catch (IOException e) {
      call.abort();
      throw call.failure(e);
    }
  }

  /**
   * A {@code GET} of {@code path} on {@code server}, on an idle kept connection if there is
   * one, and once more on a fresh one if that gets no answer (the server closed it since, say).
   * Its body is read straight from the socket, 64 KiB at a time as the reader asks.
   */
  static GetStream get(KeptConnections connections, ServerAddress server, String path)
      throws IOException {
    byte[] request = KeptConnection.request(server, "GET", path, Map.of(), null);
    KeptConnection idle = connections.idle(server);
    if (idle != null) {
      try {
        return get(connections, idle, path, request);
      } catch (KeptConnection.NoAnswer e) {
        // closed since it was last used: a fresh connection below
      }
    }
    try {
      return get(connections, connections.fresh(server), path, request);
    } catch (IOException e) {
      throw HttpCall.failure(server, e);
    }
  }

  /**
   * Sends {@code request} on {@code connection} and reads the answer's head. Throws a {@link
   * KeptConnection.NoAnswer} as it is, and any other failure as an {@link OstoreException}.
   */
  private static GetStream get(KeptConnections connections, KeptConnection connection,
      String path, byte[] request) throws IOException {
    ServerAddress server = connection.server;
    try {
      connection.write(request);
      KeptConnection.Head head = connection.readHead();
      if (head.status() / 100 != 2) {
        throw HttpCall.answered(server, "GET", path, head.status(),
            HttpCall.firstLine(connection.readText(head, Transfers.MAX_ANSWER)));
      }
      if (head.length() < 0) {
        throw withoutLength(server, path);
      }
      return new GetStream(server, path, new Source() {
        @Override
        public int read(byte[] bytes, int offset, int count) throws IOException {
          return connection.readBody(bytes, offset, count);
        }

        @Override
        public Optional<String> header(String name) {
          return head.field(name);
        }

        @Override
        public void finish() {
          if (head.keepAlive()) {
            connections.release(connection);
          } else {
            connection.close();
          }
        }

        @Override
        public void abort() {
          connection.close();
        }
      }, head.length());
    } catch (IOException e) {
      connection.close();
      throw e instanceof KeptConnection.NoAnswer ? e : HttpCall.failure(server, e);
    }
  }

  private static OstoreException withoutLength(ServerAddress server, String path) {
    return new OstoreException(ErrorCode.DATA_SERVER_FAILED,
        "data server " + server + " sent " + path + " without a Content-Length");
  }

  /** The object's size in bytes. */
  public long length() {
    return length;
  }

  /** A header of the answer, if the server sent it. */
  public Optional<String> header(String name) {
    return source.header(name);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] bytes, int offset, int count) throws IOException {
    if (closed) {
      throw new IOException("stream is closed");
    }
    if (read == length) {
      return -1;
    }
    int n;
    try {
      n = source.read(bytes, offset, (int) Math.min(count, length - read));
    } catch (IOException e) {
      throw new OstoreException(ErrorCode.DATA_SERVER_FAILED,
          "data server " + server + " failed after " + read + " of " + length
              + " bytes of " + path + ": " + e, e);
    }
    if (n < 0) {
      throw new OstoreException(ErrorCode.DATA_SERVER_FAILED,
          "data server " + server + " ended " + path + " after " + read + " of "
              + length + " bytes");
    }
    read += n;
    return n;
  }

  /**
   * Copies the rest in 64 KiB reads: the inherited method reads 8 KiB at a time, a system call
   * each, which is what held a relayed 1 GiB download back.
   */
  @Override
  public long transferTo(OutputStream out) throws IOException {
    byte[] buffer = new byte[(int) Math.min(COPY_BUFFER, Math.max(1, length - read))];
    long copied = 0;
    for (int n; (n = read(buffer, 0, buffer.length)) != -1; ) {
      out.write(buffer, 0, n);
      copied += n;
    }
    return copied;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (read == length) {
      source.finish();
    } else {
      source.abort();
    }
  }

  @Override
  public String toString() {
    return "GetStream(" + server + path + ")";
  }
}
