package dev.ostore.bus;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every {@link MessageBus} does; each implementation's test extends this. */
@Timeout(30)
abstract class MessageBusContract {
  /** Long enough for a message to arrive through a broker, short enough to keep tests quick. */
  static final long QUIET_MILLIS = 300;

  MessageBus bus;
  /** A fresh exchange per test, so that tests sharing a broker never see each other's messages. */
  String exchange;

  abstract MessageBus newBus() throws Exception;

  @BeforeEach
  void openBus() throws Exception {
    bus = newBus();
    exchange = "ostore-test-" + UUID.randomUUID();
  }

  @AfterEach
  void closeBus() {
    bus.close();
  }

  @Test
  void publishReachesEverySubscriberOfTheExchange() throws Exception {
    BlockingQueue<Message> first = new LinkedBlockingQueue<>();
    BlockingQueue<Message> second = new LinkedBlockingQueue<>();
    try (Subscription a = bus.subscribe(exchange, first::add);
        Subscription b = bus.subscribe(exchange, second::add)) {
      bus.publish(exchange, "\"hello\"");
      assertEquals("\"hello\"", take(first).body());
      assertEquals("\"hello\"", take(second).body());
    }
  }

  @Test
  void publishDoesNotReachOtherExchanges() throws Exception {
    BlockingQueue<Message> other = new LinkedBlockingQueue<>();
    try (Subscription s = bus.subscribe(exchange + "-other", other::add)) {
      bus.publish(exchange, "\"hello\"");
      assertNull(other.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void closedSubscriptionReceivesNothingMore() throws Exception {
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    Subscription subscription = bus.subscribe(exchange, received::add);
    bus.publish(exchange, "1");
    assertEquals("1", take(received).body());
    subscription.close();
    subscription.close();
    bus.publish(exchange, "2");
    assertNull(received.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS));
  }

  @Test
  void messagesReachASubscriberInOrder() throws Exception {
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    try (Subscription s = bus.subscribe(exchange, received::add)) {
      for (int i = 0; i < 100; i++) {
        bus.publish(exchange, Integer.toString(i));
      }
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        bodies.add(take(received).body());
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        expected.add(Integer.toString(i));
      }
      assertEquals(expected, bodies);
    }
  }

  @Test
  void replyReachesOnlyItsRequester() throws Exception {
    BlockingQueue<Message> requests = new LinkedBlockingQueue<>();
    BlockingQueue<Message> firstReplies = new LinkedBlockingQueue<>();
    BlockingQueue<Message> secondReplies = new LinkedBlockingQueue<>();
    try (Subscription responder = bus.subscribe(exchange, requests::add);
        Subscription first = bus.request(exchange, "\"one\"", firstReplies::add);
        Subscription second = bus.request(exchange, "\"two\"", secondReplies::add)) {
      Message one = take(requests);
      Message two = take(requests);
      assertTrue(one.replyTo().isPresent(), "a request names where replies go");
      assertTrue(one.correlationId().isPresent(), "a request carries a correlation id");
      bus.reply(two, "\"answer to " + two.body() + "\"");
      bus.reply(one, "\"answer to " + one.body() + "\"");
      Message firstReply = take(firstReplies);
      assertEquals("\"answer to \"one\"\"", firstReply.body());
      assertEquals(one.correlationId(), firstReply.correlationId());
      assertEquals("\"answer to \"two\"\"", take(secondReplies).body());
      assertNull(firstReplies.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void everyResponderCanReplyToOneRequest() throws Exception {
    BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    try (Subscription a = bus.subscribe(exchange, m -> replyQuietly(m, "\"a\""));
        Subscription b = bus.subscribe(exchange, m -> replyQuietly(m, "\"b\""));
        Subscription request = bus.request(exchange, "\"who\"", replies::add)) {
      List<String> bodies = new ArrayList<>(List.of(take(replies).body(), take(replies).body()));
      bodies.sort(null);
      assertEquals(List.of("\"a\"", "\"b\""), bodies);
    }
  }

  @Test
  void replyToAClosedRequestIsDropped() throws Exception {
    BlockingQueue<Message> requests = new LinkedBlockingQueue<>();
    BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    try (Subscription responder = bus.subscribe(exchange, requests::add)) {
      Subscription request = bus.request(exchange, "\"late\"", replies::add);
      Message received = take(requests);
      request.close();
      bus.reply(received, "\"too late\"");
      assertNull(replies.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void replyToAMessageWithoutReplyAddressDoesNothing() throws Exception {
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    try (Subscription s = bus.subscribe(exchange, received::add)) {
      bus.publish(exchange, "\"plain\"");
      Message plain = take(received);
      assertTrue(plain.replyTo().isEmpty());
      bus.reply(plain, "\"nobody listens\"");
    }
  }

  @Test
  void handlerThatThrowsKeepsReceiving() throws Exception {
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    try (Subscription s = bus.subscribe(exchange, m -> {
      received.add(m);
      throw new IllegalStateException("handler failure on purpose");
    })) {
      bus.publish(exchange, "1");
      bus.publish(exchange, "2");
      assertEquals("1", take(received).body());
      assertEquals("2", take(received).body());
    }
  }

  @Test
  void closedBusRefusesToPublish() throws Exception {
    bus.close();
    bus.close();
    IOException e = assertThrows(IOException.class, () -> bus.publish(exchange, "1"));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  void replyQuietly(Message request, String body) {
    try {
      bus.reply(request, body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Message take(BlockingQueue<Message> queue) throws InterruptedException {
    Message message = queue.poll(10, SECONDS);
    assertNotNull(message, "no message arrived within 10 s");
    return message;
  }
}
