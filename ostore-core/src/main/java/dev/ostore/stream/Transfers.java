package dev.ostore.stream;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Opens streams to and from data servers over HTTP. Every failure is an {@link
 * dev.ostore.OstoreException}: {@code NOT_FOUND} when the server has no such object, {@code
 * DATA_SERVER_UNREACHABLE} when it could not be reached (nothing was sent, so another server may
 * be tried), {@code DATA_SERVER_FAILED} when it failed or answered an error later on. It keeps
 * the connections that {@link #send} and {@link #get} used open for the next request to the same
 * server; closing closes them, and is idempotent.
 *
 * <pre>{@code
 * try (Transfers transfers = Transfers.create(executor, scheduler, InstantSource.system(),
 *         Duration.ofSeconds(2), Duration.ofSeconds(30));
 *     GetStream in = transfers.get(server, "/objects/" + hash.hex())) {
 *   in.transferTo(out);
 * }
 * }</pre>
 */
public final class Transfers implements AutoCloseable {
  /** The most of a short answer's text read. */
  static final int MAX_ANSWER = 1024;

  /** Bytes buffered between the writer of a {@link PutStream} and its HTTP transfer. */
  public static final int DEFAULT_PIPE_CAPACITY = 256 * 1024;

  private final Executor executor;
  private final ScheduledExecutorService watchdog;
  private final InstantSource clock;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final int pipeCapacity;
  private final KeptConnections connections;

  private Transfers(Executor executor, ScheduledExecutorService watchdog, InstantSource clock,
      Duration connectTimeout, Duration readTimeout, int pipeCapacity) {
    this.executor = requireNonNull(executor, "executor");
    this.watchdog = requireNonNull(watchdog, "watchdog");
    this.clock = requireNonNull(clock, "clock");
    this.connectTimeout = positive(connectTimeout, "connectTimeout");
    this.readTimeout = positive(readTimeout, "readTimeout");
    checkArgument(pipeCapacity > 0, "pipeCapacity (%s) must be positive", pipeCapacity);
    this.pipeCapacity = pipeCapacity;
    this.connections = new KeptConnections(clock, connectTimeout, readTimeout);
  }

  /**
   * Transfers whose uploads run on {@code executor} (one task per open {@link PutStream}), giving
   * up on a server that takes longer than {@code connectTimeout} to accept a connection or stays
   * silent for {@code readTimeout}. A server that stops taking an upload's bytes is found by a
   * watch on {@code watchdog}, timed by {@code clock}; the caller owns and shuts down both
   * executors.
   */
  public static Transfers create(Executor executor, ScheduledExecutorService watchdog,
      InstantSource clock, Duration connectTimeout, Duration readTimeout) {
    return create(executor, watchdog, clock, connectTimeout, readTimeout,
        DEFAULT_PIPE_CAPACITY);
  }

  /** As {@link #create}, with a pipe of {@code pipeCapacity} bytes per upload. */
  public static Transfers create(Executor executor, ScheduledExecutorService watchdog,
      InstantSource clock, Duration connectTimeout, Duration readTimeout, int pipeCapacity) {
    return new Transfers(executor, watchdog, clock, connectTimeout, readTimeout, pipeCapacity);
  }

  /**
   * Starts a request ({@code PUT}, {@code PATCH}...) whose body of {@code length} bytes (or of
   * unknown length, sent chunked) is written to the stream, to {@code path} on {@code server}.
   * Returns once the server accepted the connection.
   */
  public PutStream upload(ServerAddress server, String method, String path, OptionalLong length)
      throws IOException {
    return upload(server, method, path, length, Map.of());
  }

  /** As {@link #upload(ServerAddress, String, String, OptionalLong)}, with {@code headers}. */
  public PutStream upload(ServerAddress server, String method, String path, OptionalLong length,
      Map<String, String> headers) throws IOException {
    return PutStream.start(open(server, method, path, headers), length,
        new BoundedPipe(pipeCapacity), executor, watchdog, clock);
  }

  /**
   * Sends a request without a body, with {@code headers}, and returns the server's short answer
   * (at most 1 KiB of text is read): its status, and a created id, say, or nothing.
   */
  public Answer call(ServerAddress server, String method, String path,
      Map<String, String> headers) throws IOException {
    return answerOf(open(server, method, path, headers));
  }

  /**
   * Sends a request with {@code body}, whole and in one piece with its head, on a kept-alive
   * connection, and returns without waiting for the answer: see {@link SentRequest}. Unlike
   * {@link #upload}, no thread, pipe or watch is involved; the read timeout bounds the wait for
   * the answer.
   */
  public SentRequest send(ServerAddress server, String method, String path,
      Map<String, String> headers, byte[] body) throws IOException {
    return SentRequest.send(connections, server, method, path, headers, body);
  }

  /**
   * Sends a request with {@code body}, whole, and returns once its answer's headers are in, the
   * answer's body to read, whatever its length (where {@link #send} reads 1 KiB). Unlike {@link
   * #send}, it is never sent twice: for a request whose second arrival would be answered
   * otherwise, as a hold's would (what was held then is absent).
   */
  public GetStream exchange(ServerAddress server, String method, String path,
      Map<String, String> headers, byte[] body) throws IOException {
    HttpCall call = open(server, method, path, headers);
    // Streamed, the body is not sent again on a fresh connection as the JDK does a buffered one.
    call.connection.setFixedLengthStreamingMode(body.length);
    call.send(body);
    return GetStream.open(call);
  }

  /** A call of {@code method} on {@code path} with {@code headers}, not yet sent. */
  private HttpCall open(ServerAddress server, String method, String path,
      Map<String, String> headers) throws IOException {
    HttpCall call = HttpCall.open(server, path, method, connectTimeout, readTimeout);
    headers.forEach(call.connection::setRequestProperty);
    return call;
  }

  /** {@code call}'s short answer, which must be a success. */
  static Answer answerOf(HttpCall call) throws OstoreException {
    try {
      call.expectOk();
      String answer;
      try (InputStream body = call.connection.getInputStream()) {
        answer = new String(body.readNBytes(MAX_ANSWER), StandardCharsets.UTF_8);
      }
      call.finish();
      return new Answer(call.connection.getResponseCode(), answer);
    } catch (IOException e) {
      call.abort();
      throw call.failure(e);
    }
  }

  /**
   * Starts a {@code GET} of {@code path} on {@code server}, on a kept connection; returns once
   * the headers are in.
   */
  public GetStream get(ServerAddress server, String path) throws IOException {
    return GetStream.get(connections, server, path);
  }

  /** Header {@code name} of the answer to a {@code HEAD} of {@code path} on {@code server}. */
  public Optional<String> header(ServerAddress server, String path, String name)
      throws IOException {
    return head(server, path, call -> {
      call.expectOk();
      return Optional.ofNullable(call.connection.getHeaderField(name));
    });
  }

  /** What a {@code HEAD}'s answer says, as {@code read} reads it. */
  private <T> T head(ServerAddress server, String path, HeadReader<T> read) throws IOException {
    HttpCall call = HttpCall.open(server, path, "HEAD", connectTimeout, readTimeout);
    try {
      T answer = read.read(call);
      call.finish();
      return answer;
    } catch (IOException e) {
      call.abort();
      throw e;
    }
  }

  private interface HeadReader<T> {
    T read(HttpCall call) throws IOException;
  }

  /** Closes the connections kept open for {@link #send}s to come. */
  @Override
  public void close() {
    connections.close();
  }

  private static Duration positive(Duration duration, String what) {
    checkArgument(duration != null && !duration.isNegative() && !duration.isZero(),
        "%s (%s) must be positive", what, duration);
    return duration;
  }
}
