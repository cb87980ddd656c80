package dev.ostore.bus;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.security.GeneralSecurityException;
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
 * connection to a listener that restores the bus's exchanges and subscriptions.
 *
 * <p>This loop replaces amqp-client's automatic recovery, which only recovers a connection that
 * once succeeded: a server that starts before its broker needs this loop anyway, and with a single
 * mechanism there is one place that logs, one backoff, and one way subscriptions come back.
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
  private static final long MAX_RETRY_MILLIS = 5_000;

  private final ConnectionFactory factory = new ConnectionFactory();
  /** host:port, without the credentials of the URI, for logs and error messages. */
  private final String broker;
  private final Consumer<RabbitMqLink> onConnect;
  private final ScheduledExecutorService retries;
  private final AtomicReference<RabbitMqLink> link = new AtomicReference<>();
  private final AtomicBoolean open = new AtomicBoolean(true);

  RabbitMqConnector(URI uri, Consumer<RabbitMqLink> onConnect) {
    try {
      factory.setUri(uri);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS for " + uri.getHost(), e);
    }
    factory.setAutomaticRecoveryEnabled(false);
    factory.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
    factory.setHandshakeTimeout(CONNECT_TIMEOUT_MILLIS);
    factory.setChannelRpcTimeout(RPC_TIMEOUT_MILLIS);
    factory.setRequestedHeartbeat(HEARTBEAT_SECONDS);
    // amqp-client's own threads (socket reader, consumer dispatch, heartbeats) must not keep the
    // JVM alive; they stop with each connection.
    factory.setThreadFactory(daemonThreads("rabbitmq-bus-%d"));
    this.broker = factory.getHost() + ":" + factory.getPort();
    this.onConnect = onConnect;
    this.retries = Executors.newSingleThreadScheduledExecutor(
        daemonThreads("rabbitmq-bus-reconnect-%d"));
  }

  /** Makes the one synchronous attempt; if the broker is unreachable, retries in the background. */
  void start() {
    if (!tryConnect(WARNING)) {
      scheduleReconnect(FIRST_RETRY_MILLIS);
    }
  }

  /** The live connection, or empty while there is none. */
  Optional<RabbitMqLink> current() {
    return Optional.ofNullable(link.get()).filter(RabbitMqLink::isOpen);
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
    RabbitMqLink last = link.getAndSet(null);
    if (last != null) {
      last.close();
    }
  }

  @Override
  public String toString() {
    return broker;
  }

  private boolean tryConnect(Level failureLevel) {
    Connection connection;
    try {
      connection = factory.newConnection(CONNECTION_NAME);
    } catch (IOException | TimeoutException | RuntimeException e) {
      // The cause's message says enough (refused, timed out, access refused); no stack trace.
      log.log(failureLevel, () -> "cannot reach RabbitMQ broker " + broker + " (" + e
          + "); retrying in the background");
      return false;
    }
    RabbitMqLink fresh = new RabbitMqLink(connection, broker);
    // Published before the listener is added: a connection that is already gone calls it at
    // once, and it must find this link to schedule the next attempt.
    link.set(fresh);
    connection.addShutdownListener(cause -> disconnected(fresh, cause));
    if (!open.get()) {
      // close() ran while we connected and may have missed this connection.
      fresh.close();
      return true;
    }
    log.log(INFO, () -> "connected to RabbitMQ broker " + broker + " as " + CONNECTION_NAME);
    onConnect.accept(fresh);
    return true;
  }

  private void disconnected(RabbitMqLink lost, ShutdownSignalException cause) {
    if (!link.compareAndSet(lost, null) || !open.get()) {
      return;
    }
    log.log(WARNING, () -> "lost connection to RabbitMQ broker " + broker + " ("
        + cause.getMessage() + "); reconnecting");
    scheduleReconnect(FIRST_RETRY_MILLIS);
  }

  private void scheduleReconnect(long delayMillis) {
    try {
      retries.schedule(() -> reconnect(delayMillis), delayMillis, MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // close() shut the executor down: nothing to reconnect for.
    }
  }

  private void reconnect(long delayMillis) {
    // The lost connection, or the first failed attempt, was logged as a warning already: a
    // warning per retry would only repeat it, up to every 5 s for as long as the broker is down.
    if (open.get() && !tryConnect(DEBUG)) {
      scheduleReconnect(Math.min(delayMillis * 2, MAX_RETRY_MILLIS));
    }
  }

  private static ThreadFactory daemonThreads(String nameFormat) {
    return new ThreadFactoryBuilder().setNameFormat(nameFormat).setDaemon(true).build();
  }
}
