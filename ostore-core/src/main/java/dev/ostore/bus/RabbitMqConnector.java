package dev.ostore.bus;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import dev.ostore.config.Options;
import java.io.IOException;
import java.lang.System.Logger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Owns a bus's one AMQP connection. It makes one bounded attempt up front and, whenever there is
 * no connection, keeps trying in the background with capped exponential backoff, handing each new
 * connection to a listener that restores the bus's exchanges and subscriptions. Publishers see a
 * new connection only once that is done, so that whatever they send reaches every subscription
 * the bus had before.
 *
 * <p>This loop replaces amqp-client's automatic recovery, which only recovers a connection that
 * once succeeded: a server that starts before its broker needs this loop anyway, and with a single
 * mechanism there is one place that logs, one backoff, and one way subscriptions come back.
 *
 * <p>A broker that is unreachable is logged when the connection is lost (or the first attempt
 * fails) and then once a minute while it stays so. A broker that refuses us for good (see {@link
 * RabbitMqRefusal}) fails {@link #start}; if it does so later, it is logged once and tried again
 * once a minute, in case an operator fixes it. The clock decides both, so tests move it.
 */
final class RabbitMqConnector implements AutoCloseable {
  private static final Logger log = System.getLogger(RabbitMqConnector.class.getName());
  /** What operators see as the connection's name, in rabbitmqctl and the management UI. */
  static final String CONNECTION_NAME = "ostore";
  /** Bounds the TCP connect and the AMQP handshake, each: callers of connect() wait for both. */
  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
  /** Bounds each RPC on a channel; amqp-client's default of 10 minutes would hang a caller. */
  private static final int RPC_TIMEOUT_MILLIS = 10_000;
  /** Detects a broker that vanished without closing the socket within about 20 s. */
  private static final int HEARTBEAT_SECONDS = 10;
  private static final long FIRST_RETRY_MILLIS = 100;
  /**
   * The longest a bus stays without a connection once its broker is back. An attempt on a broker
   * that is down costs a refused TCP connect, so trying twice a second costs nothing.
   */
  static final long MAX_RETRY_MILLIS = 500;
  /** How often an outage is logged again, and a refusing broker tried again. */
  static final Duration REMINDER = Duration.ofMinutes(1);

  private final ConnectionFactory factory = new ConnectionFactory();
  /** host:port, without the credentials of the URI, for logs and error messages. */
  private final String broker;
  private final InstantSource clock;
  private final Consumer<RabbitMqLink> restore;
  private final Consumer<RabbitMqLink> opened;
  private final ScheduledExecutorService retries;
  /** The newest connection, from the moment it is made: its loss schedules the next attempt. */
  private final AtomicReference<RabbitMqLink> link = new AtomicReference<>();
  /** The newest connection once {@code restore} has run on it: what publishers use. */
  private final AtomicReference<RabbitMqLink> ready = new AtomicReference<>();
  private final AtomicBoolean open = new AtomicBoolean(true);

  /**
   * A connector to the broker at {@code uri} that hands each new connection first to {@code
   * restore}, while publishers cannot see it yet, then to {@code opened}, once they can.
   */
  RabbitMqConnector(URI uri, InstantSource clock, Consumer<RabbitMqLink> restore,
      Consumer<RabbitMqLink> opened) {
    try {
      factory.setUri(uri);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS for " + uri.getHost(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an AMQP URI (amqp://user:password@host:port): "
          + Options.redact(uri), e);
    }
    factory.setAutomaticRecoveryEnabled(false);
    factory.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
    factory.setHandshakeTimeout(CONNECT_TIMEOUT_MILLIS);
    factory.setChannelRpcTimeout(RPC_TIMEOUT_MILLIS);
    factory.setRequestedHeartbeat(HEARTBEAT_SECONDS);
    factory.setExceptionHandler(new QuietDriverErrors());
    // amqp-client's own threads (socket reader, consumer dispatch, heartbeats) must not keep the
    // JVM alive; they stop with each connection.
    factory.setThreadFactory(daemonThreads("rabbitmq-bus-%d"));
    this.broker = factory.getHost() + ":" + factory.getPort();
    this.clock = clock;
    this.restore = restore;
    this.opened = opened;
    this.retries = Executors.newSingleThreadScheduledExecutor(
        daemonThreads("rabbitmq-bus-reconnect-%d"));
  }

  /**
   * Makes the one synchronous attempt; if the broker is unreachable, retries in the background.
   * A broker that refuses us for good is an {@link IOException} saying why, in one line; the
   * connector is then closed.
   */
  void start() throws IOException {
    Optional<Exception> failure = tryConnect(Optional.empty());
    if (failure.isEmpty()) {
      return;
    }
    Optional<String> refusal = RabbitMqRefusal.of(failure.get(), broker, factory.getUsername());
    if (refusal.isPresent()) {
      close();
      throw new IOException(refusal.get(), failure.get());
    }
    log.log(WARNING, () -> "cannot reach RabbitMQ broker " + broker + " (" + failure.get()
        + "); retrying in the background");
    scheduleRetry(Outage.from(clock.instant()));
  }

  /** The live, restored connection, or empty while there is none. */
  Optional<RabbitMqLink> current() {
    return Optional.ofNullable(ready.get()).filter(RabbitMqLink::isOpen);
  }

  /** The live connection; fails at once, without waiting for the broker, while there is none. */
  RabbitMqLink link() throws IOException {
    return current().orElseThrow(() -> new IOException(
        "RabbitMQ broker " + broker + " is unreachable; reconnecting in the background"));
  }

  /** Stops reconnecting and closes the connection. Idempotent, never throws. */
  @Override
  public void close() {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    retries.shutdownNow();
    ready.set(null);
    RabbitMqLink last = link.getAndSet(null);
    if (last != null) {
      last.close();
    }
  }

  @Override
  public String toString() {
    return broker;
  }

  /** Connects and hands the connection on; on failure returns why, having logged nothing. */
  private Optional<Exception> tryConnect(Optional<Outage> after) {
    Connection connection;
    try {
      connection = factory.newConnection(CONNECTION_NAME);
    } catch (IOException | TimeoutException | RuntimeException e) {
      return Optional.of(e);
    }
    RabbitMqLink fresh = new RabbitMqLink(connection, broker);
    // Published before the listener is added: a connection that is already gone calls it at
    // once, and it must find this link to schedule the next attempt.
    link.set(fresh);
    connection.addShutdownListener(cause -> disconnected(fresh, cause));
    if (!open.get()) {
      // close() ran while we connected and may have missed this connection.
      fresh.close();
      return Optional.empty();
    }
    String again = after.map(o -> "re").orElse("");
    String outage = after.map(o -> " after " + elapsed(o.since(), clock.instant())).orElse("");
    log.log(INFO, () -> again + "connected to RabbitMQ broker " + broker + outage + " as user "
        + factory.getUsername() + ", virtual host " + factory.getVirtualHost()
        + ", connection name \"" + CONNECTION_NAME + "\"");
    restore.accept(fresh);
    ready.set(fresh);
    opened.accept(fresh);
    return Optional.empty();
  }

  private void disconnected(RabbitMqLink lost, ShutdownSignalException cause) {
    ready.compareAndSet(lost, null);
    if (!link.compareAndSet(lost, null) || !open.get()) {
      return;
    }
    log.log(WARNING, () -> "lost connection to RabbitMQ broker " + broker + " ("
        + cause.getMessage() + "); reconnecting");
    scheduleRetry(Outage.from(clock.instant()));
  }

  private void scheduleRetry(Outage outage) {
    try {
      retries.schedule(() -> retry(outage), outage.delayMillis(), MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // close() shut the executor down: nothing to reconnect for.
    }
  }

  private void retry(Outage outage) {
    if (!open.get()) {
      return;
    }
    Instant now = clock.instant();
    if (outage.refused().isPresent() && now.isBefore(outage.refused().get().plus(REMINDER))) {
      scheduleRetry(outage);
      return;
    }
    tryConnect(Optional.of(outage)).ifPresent(failure -> scheduleRetry(next(outage, failure, now)));
  }

  /** Logs a failed retry if it is news (see the class comment) and says when to try again. */
  private Outage next(Outage outage, Exception failure, Instant now) {
    Optional<String> refusal = RabbitMqRefusal.of(failure, broker, factory.getUsername());
    boolean news = refusal.isPresent() != outage.refused().isPresent()
        || refusal.isEmpty() && !now.isBefore(outage.logged().plus(REMINDER));
    if (!news) {
      log.log(DEBUG, () -> "another attempt on RabbitMQ broker " + broker + " failed: " + failure);
      return outage.retried(outage.logged(), refusal.map(r -> now));
    }
    if (refusal.isPresent()) {
      log.log(ERROR, () -> refusal.get() + "; trying again once a minute");
    } else {
      log.log(WARNING, () -> "RabbitMQ broker " + broker + " still unreachable after "
          + elapsed(outage.since(), now) + " (" + failure + "); retrying");
    }
    return outage.retried(now, refusal.map(r -> now));
  }

  /** "12 s" under two minutes, "7 min" from there. */
  private static String elapsed(Instant from, Instant to) {
    Duration elapsed = Duration.between(from, to);
    return elapsed.compareTo(Duration.ofMinutes(2)) < 0
        ? elapsed.toSeconds() + " s"
        : elapsed.toMinutes() + " min";
  }

  private static ThreadFactory daemonThreads(String nameFormat) {
    return new ThreadFactoryBuilder().setNameFormat(nameFormat).setDaemon(true).build();
  }

  /**
   * Where the retries of one time without a connection stand: since when, when it was last
   * logged, the next delay, and when the broker last refused us for good (empty unless it did).
   */
  private record Outage(Instant since, Instant logged, long delayMillis,
      Optional<Instant> refused) {
    static Outage from(Instant now) {
      return new Outage(now, now, FIRST_RETRY_MILLIS, Optional.empty());
    }

    Outage retried(Instant logged, Optional<Instant> refused) {
      return new Outage(since, logged, Math.min(delayMillis * 2, MAX_RETRY_MILLIS), refused);
    }
  }

  /**
   * amqp-client logs each failed attempt's socket error ("Connection reset") by itself, at
   * WARNING: this connector already says what matters about every attempt, once.
   */
  private static final class QuietDriverErrors extends DefaultExceptionHandler {
    @Override
    public void handleUnexpectedConnectionDriverException(Connection connection,
        Throwable exception) {
      log.log(DEBUG, () -> "connection driver error on " + connection + ": " + exception);
    }
  }
}
