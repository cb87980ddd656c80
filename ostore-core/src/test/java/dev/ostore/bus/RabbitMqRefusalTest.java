package dev.ostore.bus;

import static dev.ostore.bus.RabbitMqBusTest.BROKER;
import static dev.ostore.bus.RabbitMqRecoveryTest.RECOVERY;
import static dev.ostore.bus.RabbitMqRecoveryTest.rabbitmqctl;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.LogCapture;
import dev.ostore.TcpProxy;
import dev.ostore.heartbeat.FakeClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A broker that refuses us for good (credentials, virtual host, or no broker at all) is not
 * waited for like one that is down: it fails the bus's start in one line, and one that refuses
 * later is logged once and tried again only once a minute.
 */
@Timeout(90)
class RabbitMqRefusalTest {
  final LogCapture connectionLog = LogCapture.of(RabbitMqConnector.class);

  @AfterEach
  void stopCapturing() {
    connectionLog.close();
  }

  @Test
  void wrongCredentialsFailTheStartInOneLineNamingTheUserButNotThePassword() {
    IOException e = assertThrows(IOException.class,
        () -> MessageBus.rabbitMq(URI.create("amqp://guest:wrong-secret@127.0.0.1:5672")));
    assertEquals("RabbitMQ broker 127.0.0.1:5672 refused user guest: ACCESS_REFUSED - Login was"
        + " refused using authentication mechanism PLAIN. For details see the broker logfile.",
        e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void aVirtualHostThatDoesNotExistFailsTheStart() {
    String vhost = "ostore-test-" + UUID.randomUUID();
    IOException e = assertThrows(IOException.class,
        () -> MessageBus.rabbitMq(URI.create("amqp://guest:guest@127.0.0.1:5672/" + vhost)));
    assertEquals("RabbitMQ broker 127.0.0.1:5672 refused the connection: NOT_ALLOWED - vhost "
        + vhost + " not found", e.getMessage());
  }

  @Test
  void anAddressWhereSomethingElseThanABrokerAnswersFailsTheStart() throws Exception {
    try (ServerSocket web = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> answerLikeAWebServer(web), "web-server");
      server.setDaemon(true);
      server.start();
      IOException e = assertThrows(IOException.class, () -> MessageBus.rabbitMq(
          URI.create("amqp://guest:guest@127.0.0.1:" + web.getLocalPort())));
      assertTrue(e.getMessage().startsWith(
          "127.0.0.1:" + web.getLocalPort() + " is not an AMQP broker: "), e.getMessage());
    }
  }

  @Test
  void aBrokerThatRefusesUsAfterAcceptingUsIsLoggedOnceAndTriedAgainOnceAMinute()
      throws Exception {
    String user = "ostore-test-" + UUID.randomUUID();
    rabbitmqctl("add_user", user, "first");
    rabbitmqctl("set_permissions", "-p", "/", user, ".*", ".*", ".*");
    FakeClock clock = new FakeClock();
    try (TcpProxy broker = TcpProxy.start(
            new InetSocketAddress(BROKER.getHost(), BROKER.getPort()));
        MessageBus bus = RabbitMqBus.connect(
            URI.create("amqp://" + user + ":first@127.0.0.1:" + broker.port()), clock)) {
      rabbitmqctl("change_password", user, "second");
      broker.dropConnections();
      connectionLog.await(Level.SEVERE, "refused user " + user, 1, RECOVERY);
      int attempts = broker.connectionsAccepted();
      // Real time passes, the clock stands still: the bus must not try meanwhile, where it
      // tried every half second while the broker was merely unreachable.
      Thread.sleep(6 * RabbitMqConnector.MAX_RETRY_MILLIS);
      assertEquals(attempts, broker.connectionsAccepted(), "attempts within the minute");

      rabbitmqctl("change_password", user, "first");
      clock.advance(RabbitMqConnector.REMINDER);
      connectionLog.await(Level.INFO, "reconnected", 1, RECOVERY);
      assertEquals(attempts + 1, broker.connectionsAccepted());
      assertEquals(1, connectionLog.lines(Level.SEVERE, "").size(), connectionLog.lines(
          Level.SEVERE, "").toString());
      assertFalse(connectionLog.lines(Level.SEVERE, "").get(0).contains("first"));
    } finally {
      rabbitmqctl("delete_user", user);
    }
  }

  /** Reads the start of what the client sends and answers with an HTTP error, as nginx would. */
  private static void answerLikeAWebServer(ServerSocket web) {
    while (true) {
      try (Socket client = web.accept()) {
        client.getInputStream().read(new byte[8]);
        client.getOutputStream().write(
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(US_ASCII));
      } catch (IOException e) {
        return; // closed
      }
    }
  }
}
