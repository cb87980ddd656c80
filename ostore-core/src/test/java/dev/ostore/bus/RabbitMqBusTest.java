package dev.ostore.bus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.ostore.TcpProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the {@link MessageBusContract} against the test broker, plus what only a broker shows:
 * interop with the reference servers and with what operators create. Fails when no broker runs.
 */
class RabbitMqBusTest extends MessageBusContract {
  static final URI BROKER = URI.create("amqp://guest:guest@127.0.0.1:5672");

  /** A plain amqp-client connection, playing the reference servers and the operator. */
  Connection raw;
  Channel rawChannel;

  @Override
  MessageBus newBus() throws IOException {
    return MessageBus.rabbitMq(BROKER);
  }

  @BeforeEach
  void openRawConnection() throws Exception {
    raw = rawConnection();
    rawChannel = raw.createChannel();
  }

  /** The bus declares durable exchanges, which outlive the test unless deleted. */
  @AfterEach
  void deleteExchanges() throws Exception {
    deleteExchanges(exchange, exchange + "-other");
    raw.close();
  }

  @Test
  void exchangesAreDeclaredDurableFanoutAsTheReferenceSystemDeclaresThem() throws Exception {
    try (Subscription s = bus.subscribe(exchange, m -> {})) {
      rawChannel.exchangeDeclarePassive(exchange);
      // The broker refuses a declaration that differs from the existing exchange.
      rawChannel.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true, false, null);
    }
  }

  @Test
  void exchangeAnOperatorCreatedIsUsedAsItIs() throws Exception {
    rawChannel.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true, false, null);
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    try (Subscription s = bus.subscribe(exchange, received::add)) {
      bus.publish(exchange, "\"hello\"");
      assertEquals("\"hello\"", take(received).body());
    }
  }

  @Test
  void messageThatIsNotUtf8IsDroppedAndTheNextOneArrives() throws Exception {
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    try (Subscription s = bus.subscribe(exchange, received::add)) {
      rawChannel.basicPublish(exchange, "", null, new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'});
      bus.publish(exchange, "\"valid\"");
      assertEquals("\"valid\"", take(received).body());
      assertNull(received.poll(QUIET_MILLIS, MILLISECONDS));
    }
  }

  @Test
  void replyWithoutCorrelationIdAsTheReferenceServersSendItReachesTheRequester()
      throws Exception {
    answerLikeTheReferenceServers(props -> new AMQP.BasicProperties());
    BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    try (Subscription request = bus.request(exchange, "\"where\"", replies::add)) {
      Message reply = take(replies);
      assertEquals("\"here\"", reply.body());
      assertEquals(Optional.empty(), reply.correlationId());
    }
  }

  @Test
  void replyWithAnotherCorrelationIdIsDropped() throws Exception {
    answerLikeTheReferenceServers(
        props -> new AMQP.BasicProperties.Builder().correlationId("someone-else").build());
    BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    try (Subscription request = bus.request(exchange, "\"where\"", replies::add)) {
      assertNull(replies.poll(QUIET_MILLIS, MILLISECONDS));
    }
  }

  @Test
  void lateReplyReachesNeitherItsClosedRequestNorTheNextRequestOnTheSameChannel()
      throws Exception {
    BlockingQueue<Message> requests = new LinkedBlockingQueue<>();
    BlockingQueue<Message> firstReplies = new LinkedBlockingQueue<>();
    BlockingQueue<Message> secondReplies = new LinkedBlockingQueue<>();
    try (Subscription responder = bus.subscribe(exchange, requests::add)) {
      Subscription first = bus.request(exchange, "\"first\"", firstReplies::add);
      String firstAddress = take(requests).replyTo().orElseThrow();
      first.close();
      first.close();
      try (Subscription second = bus.request(exchange, "\"second\"", secondReplies::add)) {
        String secondAddress = take(requests).replyTo().orElseThrow();
        assertTrue(firstAddress.startsWith(RabbitMqLink.DIRECT_REPLY_TO + "."), firstAddress);
        assertEquals(channelOf(firstAddress), channelOf(secondAddress),
            "the second request reuses the channel of the first");
        assertNotEquals(firstAddress, secondAddress);
        // No correlation id, as the reference servers reply: only the address tells them apart.
        // Both go through one channel of the broker, in order: a late reply that reached the
        // second request would come before the fresh one.
        replyLikeTheReferenceServers(firstAddress, "\"late\"");
        replyLikeTheReferenceServers(secondAddress, "\"fresh\"");
        assertEquals("\"fresh\"", take(secondReplies).body());
        assertNull(secondReplies.poll(QUIET_MILLIS, MILLISECONDS));
        assertNull(firstReplies.poll());
      }
    }
  }

  @Test
  void requestsInARowReusePooledChannelsAndLeaveNoConsumerBehind() throws Exception {
    Set<String> addresses = ConcurrentHashMap.newKeySet();
    try (TcpProxy proxy = TcpProxy.start(
            new InetSocketAddress(BROKER.getHost(), BROKER.getPort()));
        MessageBus proxied = MessageBus.rabbitMq(
            URI.create("amqp://guest:guest@127.0.0.1:" + proxy.port()));
        Subscription responder = proxied.subscribe(exchange, m -> {
          addresses.add(m.replyTo().orElseThrow());
          RabbitMqRecoveryTest.reply(proxied, m);
        })) {
      askInARow(proxied, 1);
      Set<String> connection = connectionsFrom(proxy.upstreamPorts());
      long channels = channelsOn(connection);
      askInARow(proxied, 300);
      assertEquals(channels, channelsOn(connection), "channels on the connection");
      // The broker lists no direct reply-to consumer among a channel's consumers, but refuses a
      // second one on a channel ("reply consumer already set"): that each request consumed anew
      // on the same pooled channels, which it shares with the replies, shows that every one of
      // them was cancelled.
      assertEquals(301, addresses.size());
      long used = addresses.stream().map(RabbitMqBusTest::channelOf).distinct().count();
      assertTrue(used <= 2, "the requests used " + used + " channels");

      int threads = 8;
      ExecutorService callers = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Void>> done = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          done.add(callers.submit(() -> {
            askInARow(proxied, 50);
            return null;
          }));
        }
        for (Future<Void> caller : done) {
          caller.get(20, SECONDS);
        }
      } finally {
        callers.shutdownNow();
      }
      // The responder's own channel, and a pooled one per caller and for the replies at most.
      long most = 1 + threads + 1;
      assertTrue(channelsOn(connection) <= most, "more than " + most + " channels");
    }
  }

  @Test
  void requestClosedByItsOwnReplyHandlerGetsNoMoreReplies() throws Exception {
    BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    CompletableFuture<Subscription> self = new CompletableFuture<>();
    try (Subscription a = bus.subscribe(exchange, m -> replyQuietly(m, "\"a\""));
        Subscription b = bus.subscribe(exchange, m -> replyQuietly(m, "\"b\""))) {
      // First reply wins, as locating an object does it.
      self.complete(bus.request(exchange, "\"who\"", reply -> {
        replies.add(reply);
        self.join().close();
      }));
      take(replies);
      assertNull(replies.poll(QUIET_MILLIS, MILLISECONDS));
      BlockingQueue<Message> next = new LinkedBlockingQueue<>();
      try (Subscription again = bus.request(exchange, "\"who\"", next::add)) {
        take(next);
      }
    }
  }

  interface ReplyProperties {
    AMQP.BasicProperties of(AMQP.BasicProperties request);
  }

  /** Answers "here" to every request on the exchange, the way the reference Go servers do. */
  void answerLikeTheReferenceServers(ReplyProperties replyProperties) throws IOException {
    rawChannel.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true, false, null);
    String queue = rawChannel.queueDeclare().getQueue();
    rawChannel.queueBind(queue, exchange, "");
    rawChannel.basicConsume(queue, true, (tag, delivery) -> rawChannel.basicPublish("",
        delivery.getProperties().getReplyTo(), replyProperties.of(delivery.getProperties()),
        "\"here\"".getBytes(UTF_8)), tag -> {});
  }

  /** Answers at {@code address} as the reference servers do: default exchange, no properties. */
  void replyLikeTheReferenceServers(String address, String body) throws IOException {
    rawChannel.basicPublish("", address, new AMQP.BasicProperties(), body.getBytes(UTF_8));
  }

  /** The channel part of a direct reply-to address, amq.rabbitmq.reply-to.channel.key. */
  static String channelOf(String address) {
    return address.substring(0, address.lastIndexOf('.'));
  }

  /** Asks {@code count} times in a row, closing each request once its reply has come. */
  void askInARow(MessageBus requester, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
      try (Subscription request = requester.request(exchange, "\"who\"", replies::add)) {
        take(replies);
      }
    }
  }

  /** The broker's ids of the connections it has from {@code peerPorts}. */
  static Set<String> connectionsFrom(Set<Integer> peerPorts) throws Exception {
    Set<String> connections = new HashSet<>();
    for (String[] row : rabbitmqctlRows("list_connections", "pid", "peer_port")) {
      if (peerPorts.contains(Integer.parseInt(row[1]))) {
        connections.add(row[0]);
      }
    }
    assertFalse(connections.isEmpty(), "the broker has no connection from " + peerPorts);
    return connections;
  }

  /** How many channels the broker has on {@code connections}, as an operator counts them. */
  static long channelsOn(Set<String> connections) throws Exception {
    return rabbitmqctlRows("list_channels", "connection").stream()
        .filter(row -> connections.contains(row[0]))
        .count();
  }

  static List<String[]> rabbitmqctlRows(String command, String... columns) throws Exception {
    List<String> args = new ArrayList<>(List.of("-q", command, "--no-table-headers"));
    args.addAll(List.of(columns));
    List<String[]> rows = new ArrayList<>();
    for (String line : RabbitMqRecoveryTest.rabbitmqctl(args.toArray(String[]::new)).split("\n")) {
      if (!line.isBlank()) {
        rows.add(line.split("\t"));
      }
    }
    return rows;
  }

  /** Deletes exchanges on a connection of its own, as the test may have broken the others. */
  static void deleteExchanges(String... names) throws Exception {
    try (Connection cleanup = rawConnection()) {
      Channel channel = cleanup.createChannel();
      for (String name : names) {
        channel.exchangeDelete(name);
      }
    }
  }

  static Connection rawConnection() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(BROKER);
    return factory.newConnection("ostore-test");
  }
}
