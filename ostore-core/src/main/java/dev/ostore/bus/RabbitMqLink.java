package dev.ostore.bus;

import static java.lang.System.Logger.Level.DEBUG;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.CancelCallback;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.lang.System.Logger;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One live AMQP connection and the operations the bus runs on it. Short operations borrow a
 * channel from a pool, so that no two threads ever use a channel at once (amqp-client channels
 * must not publish concurrently); a request borrows one for as long as it is open, and each
 * subscription gets a channel of its own. Failures surface as {@link IOException}s whose message
 * says what the broker answered, or that it is unreachable.
 */
final class RabbitMqLink {
  /** The pseudo-queue of RabbitMQ's direct reply-to, which needs no queue to be declared. */
  static final String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";
  private static final Logger log = System.getLogger(RabbitMqLink.class.getName());
  private static final int CLOSE_TIMEOUT_MILLIS = 2_000;

  private final Connection connection;
  private final String broker;
  // Never trimmed: the pool grows to the largest number of operations ever running at once,
  // open requests included, which callers bound; it holds no channel with a consumer.
  private final Queue<Channel> idle = new ConcurrentLinkedQueue<>();
  private final Set<String> declared = ConcurrentHashMap.newKeySet();

  RabbitMqLink(Connection connection, String broker) {
    this.connection = connection;
    this.broker = broker;
  }

  boolean isOpen() {
    return connection.isOpen();
  }

  /**
   * Declares {@code exchange} as the reference system does, durable and not auto-deleted, so that
   * an exchange an operator created the same way is accepted.
   */
  void declare(String exchange) throws IOException {
    withChannel(channel -> {
      declare(channel, exchange);
      return null;
    });
  }

  /** Publishes {@code message} on {@code exchange}, declaring it first unless it is "". */
  void publish(String exchange, String routingKey, Message message) throws IOException {
    withChannel(channel -> {
      publish(channel, exchange, routingKey, message);
      return null;
    });
  }

  /**
   * Sends a request and starts receiving its replies through direct reply-to, on a channel
   * borrowed from the pool for this request alone until {@link #endRequest}: the broker requires
   * the request to be published on the channel that consumes {@value #DIRECT_REPLY_TO}, and that
   * consumer to use autoAck. As on any channel, the replies are dispatched one at a time. The
   * broker rewrites the request's replyTo into an address of this consumer alone, fresh for each
   * consume, so that a reply to an earlier request on the same channel never reaches this one.
   */
  ReplyConsumer startRequest(String exchange, String body, String correlationId,
      DeliverCallback deliver, CancelCallback cancel) throws IOException {
    Channel channel = borrow();
    try {
      String tag = channel.basicConsume(DIRECT_REPLY_TO, true, deliver, cancel);
      publish(channel, exchange, "",
          new Message(body, Optional.of(DIRECT_REPLY_TO), Optional.of(correlationId)));
      return new ReplyConsumer(channel, tag);
    } catch (IOException | ShutdownSignalException e) {
      // Most such failures closed the channel already; one that did not must not keep a consumer.
      abort(channel);
      throw failure(e);
    }
  }

  /**
   * Stops the replies of a request and puts its channel back in the pool; a channel whose
   * consumer cannot be cancelled is closed instead, so that the pool only holds channels without
   * one. Never throws.
   */
  void endRequest(ReplyConsumer replies) {
    Channel channel = replies.channel();
    if (!channel.isOpen()) {
      return; // Lost with its connection, or closed by a channel error.
    }
    try {
      channel.basicCancel(replies.consumerTag());
    } catch (IOException | RuntimeException e) {
      log.log(DEBUG, () -> "cannot cancel reply consumer " + replies.consumerTag(), e);
      abort(channel);
      return;
    }
    giveBack(channel);
  }

  /**
   * Binds a new server-named, exclusive, auto-delete queue to {@code exchange} and consumes it
   * with autoAck on a channel of its own, so that its deliveries are dispatched one at a time and
   * in order. Returns that channel; aborting it ends the subscription and deletes the queue.
   */
  Channel subscribe(String exchange, DeliverCallback deliver, CancelCallback cancel)
      throws IOException {
    Channel channel = open();
    try {
      declare(channel, exchange);
      String queue = channel.queueDeclare().getQueue();
      channel.queueBind(queue, exchange, "");
      channel.basicConsume(queue, true, deliver, cancel);
      return channel;
    } catch (IOException | ShutdownSignalException e) {
      abort(channel);
      throw failure(e);
    }
  }

  /** Closes the connection, its channels and, with them, its exclusive queues. Never throws. */
  void close() {
    connection.abort(CLOSE_TIMEOUT_MILLIS);
  }

  static void abort(Channel channel) {
    try {
      channel.abort();
    } catch (IOException | RuntimeException e) {
      log.log(DEBUG, () -> "closing channel " + channel + " failed", e);
    }
  }

  private void publish(Channel channel, String exchange, String routingKey, Message message)
      throws IOException {
    if (!exchange.isEmpty()) {
      declare(channel, exchange);
    }
    channel.basicPublish(exchange, routingKey, RabbitMqMessages.properties(message),
        RabbitMqMessages.body(message));
  }

  private void declare(Channel channel, String exchange) throws IOException {
    // Checked and added without a lock: two threads may both declare, which AMQP allows.
    if (!declared.contains(exchange)) {
      channel.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true, false, null);
      declared.add(exchange);
    }
  }

  /** The channel a request borrowed and the tag of its direct reply-to consumer there. */
  record ReplyConsumer(Channel channel, String consumerTag) {}

  private interface ChannelTask<T> {
    T run(Channel channel) throws IOException;
  }

  private <T> T withChannel(ChannelTask<T> task) throws IOException {
    Channel channel = borrow();
    try {
      return task.run(channel);
    } catch (IOException | ShutdownSignalException e) {
      throw failure(e);
    } finally {
      giveBack(channel);
    }
  }

  /** An idle channel of the pool, or a new one, for the caller alone until it gives it back. */
  private Channel borrow() throws IOException {
    Channel channel = idle.poll();
    while (channel != null && !channel.isOpen()) {
      channel = idle.poll();
    }
    return channel != null ? channel : open();
  }

  private void giveBack(Channel channel) {
    if (channel.isOpen()) {
      idle.add(channel);
    }
  }

  private Channel open() throws IOException {
    Channel channel;
    try {
      channel = connection.createChannel();
    } catch (IOException | ShutdownSignalException e) {
      throw failure(e);
    }
    if (channel == null) {
      throw new IOException("no channel left on the connection to RabbitMQ broker " + broker);
    }
    // A channel error, such as publishing to an exchange deleted behind our back, may mean an
    // exchange is gone: forget what was declared so that the next use declares it again.
    channel.addShutdownListener(cause -> {
      if (!cause.isHardError() && !cause.isInitiatedByApplication()) {
        declared.clear();
      }
    });
    return channel;
  }

  private IOException failure(Exception e) {
    if (!connection.isOpen()) {
      return new IOException("RabbitMQ broker " + broker + " is unreachable", e);
    }
    // amqp-client wraps the broker's answer, which says what went wrong, without a message.
    Throwable answer = e.getCause() instanceof ShutdownSignalException ? e.getCause() : e;
    return new IOException("RabbitMQ broker " + broker + " failed: " + answer.getMessage(), e);
  }
}
