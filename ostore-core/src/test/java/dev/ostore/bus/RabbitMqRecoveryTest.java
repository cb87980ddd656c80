package dev.ostore.bus;

import static dev.ostore.bus.MessageBusContract.take;
import static dev.ostore.bus.RabbitMqBusTest.BROKER;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ostore.LogCapture;
import dev.ostore.TcpProxy;
import dev.ostore.heartbeat.FakeClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link RabbitMqBus} survives its broker: connections the broker closes, a broker restart, a
 * broker that comes up after the bus, and a lost network. The first two disturb every client of
 * the test broker; the others go through a {@link TcpProxy} of their own.
 */
class RabbitMqRecoveryTest {
  /** How long a bus may take to be back, on a busy machine; the backoff is capped at 0.5 s. */
  static final Duration RECOVERY = Duration.ofSeconds(30);

  final String exchange = "ostore-test-" + UUID.randomUUID();
  final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
  /** What the bus logs about its connection, as an operator would read it. */
  final LogCapture connectionLog = LogCapture.of(RabbitMqConnector.class);

  @AfterEach
  void cleanUp() throws Exception {
    connectionLog.close();
    RabbitMqBusTest.deleteExchanges(exchange);
  }

  @Test
  @Timeout(60)
  void subscriptionAndPublishingRecoverAfterTheBrokerClosesEveryConnection() throws Exception {
    try (MessageBus bus = MessageBus.rabbitMq(BROKER);
        Subscription s = bus.subscribe(exchange, received::add)) {
      connectionLog.clear();
      rabbitmqctl("close_all_connections", "test");
      awaitLogged(Level.WARNING, "lost connection");
      awaitDelivery(bus);
      awaitLogged(Level.INFO, "connected");
    }
  }

  @Test
  @Timeout(120)
  void subscriptionsPublishingAndRequestsRecoverAfterTheBrokerRestarts() throws Exception {
    try (MessageBus bus = MessageBus.rabbitMq(BROKER);
        Subscription s = bus.subscribe(exchange, received::add);
        Subscription responder = bus.subscribe(exchange + "-requests", m -> reply(bus, m))) {
      connectionLog.clear();
      try {
        rabbitmqctl("stop_app");
        IOException e = awaitPublishFailure(bus);
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
      } finally {
        rabbitmqctl("start_app");
      }
      awaitDelivery(bus);
      BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
      try (Subscription request = bus.request(exchange + "-requests", "\"who\"", replies::add)) {
        assertEquals("\"me\"", take(replies).body());
      }
      awaitLogged(Level.WARNING, "lost connection");
      awaitLogged(Level.INFO, "connected");
    } finally {
      RabbitMqBusTest.deleteExchanges(exchange + "-requests");
    }
  }

  @Test
  @Timeout(60)
  void busStartedBeforeItsBrokerFailsFastThenConnectsOnceTheBrokerIsUp() throws Exception {
    long started = System.nanoTime();
    try (TcpProxy broker = TcpProxy.startCut(new InetSocketAddress(
            BROKER.getHost(), BROKER.getPort()));
        MessageBus bus = MessageBus.rabbitMq(
            URI.create("amqp://guest:guest@127.0.0.1:" + broker.port()))) {
      Message request = new Message("\"who\"", Optional.of("nowhere"), Optional.empty());
      List<IOException> failures = List.of(
          assertThrows(IOException.class, () -> bus.publish(exchange, "1")),
          assertThrows(IOException.class, () -> bus.request(exchange, "2", m -> {})),
          assertThrows(IOException.class, () -> bus.reply(request, "3")));
      Subscription s = bus.subscribe(exchange, received::add);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      assertTrue(elapsed.compareTo(Duration.ofSeconds(3)) < 0, "took " + elapsed);
      for (IOException failure : failures) {
        assertTrue(failure.getMessage().contains("unreachable"), failure.getMessage());
      }
      broker.restore();
      awaitDelivery(bus);
      for (int i = 0; i < 20; i++) {
        bus.publish(exchange, Integer.toString(i));
        bus.request(exchange, Integer.toString(i), m -> {}).close();
      }
      assertEquals(1, broker.connectionsAccepted(), "connections opened by one bus");
      s.close();
    }
  }

  @Test
  @Timeout(60)
  void aBrokerThatStaysDownIsLoggedOnceAMinuteNotAtEachAttempt() throws Exception {
    FakeClock clock = new FakeClock();
    try (Socket nothingListens = TcpProxy.reservedPort();
        TcpProxy down = TcpProxy.start(
            (InetSocketAddress) nothingListens.getLocalSocketAddress());
        MessageBus bus = RabbitMqBus.connect(
            URI.create("amqp://guest:guest@127.0.0.1:" + down.port()), clock)) {
      awaitAttempts(down, 5);
      assertEquals(1, connectionLog.linesFrom(Level.WARNING).size(),
          connectionLog.linesFrom(Level.WARNING).toString());
      assertTrue(connectionLog.lines(Level.WARNING, "cannot reach RabbitMQ broker 127.0.0.1:"
          + down.port()).size() == 1);

      clock.advance(Duration.ofSeconds(59));
      awaitAttempts(down, down.connectionsAccepted() + 3);
      assertEquals(1, connectionLog.linesFrom(Level.WARNING).size());

      clock.advance(Duration.ofSeconds(2));
      connectionLog.await(Level.WARNING, "still unreachable after 61 s", 1, RECOVERY);
      awaitAttempts(down, down.connectionsAccepted() + 3);
      assertEquals(2, connectionLog.linesFrom(Level.WARNING).size(),
          connectionLog.linesFrom(Level.WARNING).toString());
    }
  }

  @Test
  @Timeout(60)
  void requestOpenAcrossAReconnectGetsNoMoreRepliesAndClosesQuietly() throws Exception {
    BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    try (TcpProxy broker = TcpProxy.start(new InetSocketAddress(
            BROKER.getHost(), BROKER.getPort()));
        MessageBus bus = MessageBus.rabbitMq(
            URI.create("amqp://guest:guest@127.0.0.1:" + broker.port()));
        Subscription s = bus.subscribe(exchange, received::add)) {
      Subscription request = bus.request(exchange, "\"who\"", replies::add);
      Message asked = takeRequest();
      connectionLog.clear();
      broker.dropConnections();
      awaitLogged(Level.WARNING, "lost connection");
      awaitDelivery(bus);
      // Its reply address died with the connection: the broker drops what is sent there.
      bus.reply(asked, "\"too late\"");
      assertNull(replies.poll(MessageBusContract.QUIET_MILLIS, MILLISECONDS));
      request.close();
      request.close();
      try (Subscription again = bus.request(exchange, "\"who\"", replies::add)) {
        bus.reply(takeRequest(), "\"me\"");
        assertEquals("\"me\"", take(replies).body());
      }
      assertEquals(2, broker.connectionsAccepted(), "connections opened by one bus");
    }
  }

  /** The next request among the messages received, skipping the probes of awaitDelivery. */
  Message takeRequest() throws InterruptedException {
    Message message = take(received);
    while (message.replyTo().isEmpty()) {
      message = take(received);
    }
    return message;
  }

  /** Publishes probes until one comes back through the subscription, whose queue may be new. */
  void awaitDelivery(MessageBus bus) throws Exception {
    // Tells this call's probes from those published before the broker went away.
    String tag = UUID.randomUUID().toString();
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    for (int probe = 0; System.nanoTime() < deadline; probe++) {
      try {
        bus.publish(exchange, "\"" + tag + " " + probe + "\"");
      } catch (IOException e) {
        // Not reconnected yet.
      }
      Message message = received.poll(200, MILLISECONDS);
      while (message != null) {
        if (message.body().contains(tag)) {
          return;
        }
        message = received.poll();
      }
    }
    fail("no message came through within " + RECOVERY);
  }

  /** Publishes until publishing fails, which it must do at once rather than wait for a broker. */
  IOException awaitPublishFailure(MessageBus bus) throws Exception {
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    while (System.nanoTime() < deadline) {
      long started = System.nanoTime();
      try {
        bus.publish(exchange, "\"probe\"");
      } catch (IOException e) {
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertTrue(millis < 500, "failing took " + millis + " ms");
        return e;
      }
      Thread.sleep(50);
    }
    return fail("publishing kept working while the broker was stopped");
  }

  /** Waits until {@code broker} has seen {@code count} connection attempts in all. */
  static void awaitAttempts(TcpProxy broker, int count) throws InterruptedException {
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    while (broker.connectionsAccepted() < count) {
      assertTrue(System.nanoTime() < deadline, broker.connectionsAccepted() + " attempts");
      Thread.sleep(20);
    }
  }

  /** Waits for the bus to log {@code text} at {@code level}, as an operator would see it. */
  void awaitLogged(Level level, String text) throws InterruptedException {
    connectionLog.await(level, text, 1, RECOVERY);
  }

  static void reply(MessageBus bus, Message request) {
    try {
      bus.reply(request, "\"me\"");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs rabbitmqctl on the test broker's node and returns what it printed. */
  static String rabbitmqctl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertTrue(process.waitFor(60, SECONDS), "rabbitmqctl " + command + " did not finish");
    assertEquals(0, process.exitValue(), output);
    return output;
  }
}
