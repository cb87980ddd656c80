package dev.ostore.bus;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import com.rabbitmq.client.Delivery;
import java.io.IOException;
import java.lang.System.Logger;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A request and its replies, through RabbitMQ's direct reply-to: the request holds a pooled
 * channel for as long as it is open and consumes its replies there, at an address the broker
 * makes for that consumer alone. That is what the reference Go servers need, since they reply to
 * the request's replyTo without a correlation id: the address alone tells whose reply it is. A
 * reply that does carry a correlation id must carry this request's. Closing cancels the consumer
 * and gives the channel back, so that a reply arriving later reaches no one; until then the
 * channel stays out of the pool.
 *
 * <p>The address lives and dies with the channel, and so with the connection that sent the
 * request: after a reconnect, no reply reaches the request any more, as if no server had
 * answered, and its caller's wait simply times out.
 */
final class RabbitMqRequest implements Subscription {
  private static final Logger log = System.getLogger(RabbitMqRequest.class.getName());

  private final RabbitMqLink link;
  private final String exchange;
  private final String correlationId = UUID.randomUUID().toString();
  private final Consumer<Message> onReply;
  private final Consumer<RabbitMqRequest> onClose;
  private final AtomicBoolean open = new AtomicBoolean(true);
  /** Orders send() against close(), so that a closed request keeps no channel. */
  private final ReentrantLock lock = new ReentrantLock();
  private RabbitMqLink.ReplyConsumer replies; // guarded by lock

  RabbitMqRequest(RabbitMqLink link, String exchange, Consumer<Message> onReply,
      Consumer<RabbitMqRequest> onClose) {
    this.link = link;
    this.exchange = exchange;
    this.onReply = onReply;
    this.onClose = onClose;
  }

  /** Consumes the replies, then publishes the request: no reply can come too early. */
  void send(String body) throws IOException {
    lock.lock();
    try {
      if (!open.get()) {
        throw new IOException(this + " was closed before it was sent");
      }
      replies = link.startRequest(exchange, body, correlationId,
          (tag, delivery) -> deliver(delivery), tag -> cancelled());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    RabbitMqLink.ReplyConsumer last;
    lock.lock();
    try {
      last = replies;
      replies = null;
    } finally {
      lock.unlock();
    }
    onClose.accept(this);
    if (last != null) {
      link.endRequest(last);
    }
  }

  @Override
  public String toString() {
    return "request " + correlationId + " on exchange " + exchange;
  }

  private void deliver(Delivery delivery) {
    RabbitMqMessages.decode(delivery, this).ifPresent(reply -> {
      if (reply.correlationId().filter(id -> !id.equals(correlationId)).isPresent()) {
        log.log(DEBUG, () -> "dropped a reply to another request: " + reply);
      } else if (open.get()) {
        RabbitMqMessages.handle(onReply, reply, this);
      }
    });
  }

  private void cancelled() {
    if (open.get()) {
      log.log(WARNING, () -> "the broker cancelled the replies of " + this);
    }
  }
}
