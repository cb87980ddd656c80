package dev.ostore.bus;

import static java.lang.System.Logger.Level.WARNING;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import java.io.IOException;
import java.lang.System.Logger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A subscription to a fanout exchange that outlives connections: on each connection it gets a
 * fresh server-named, exclusive, auto-delete queue bound to the exchange and a channel of its own.
 * Its handler runs one message at a time, in order.
 */
final class RabbitMqSubscription implements Subscription {
  private static final Logger log = System.getLogger(RabbitMqSubscription.class.getName());

  private final String exchange;
  private final Consumer<Message> handler;
  private final Consumer<RabbitMqSubscription> onClose;
  private final AtomicBoolean open = new AtomicBoolean(true);
  /** Orders attach() against close(), so that a closed subscription keeps no channel. */
  private final ReentrantLock lock = new ReentrantLock();
  /**
   * Keeps the handler serial across a reconnect, when a delivery of the lost connection may still
   * be running as the new connection delivers.
   */
  private final ReentrantLock handling = new ReentrantLock();
  private RabbitMqLink attachedTo; // guarded by lock
  private Channel channel; // guarded by lock

  RabbitMqSubscription(String exchange, Consumer<Message> handler,
      Consumer<RabbitMqSubscription> onClose) {
    this.exchange = exchange;
    this.handler = handler;
    this.onClose = onClose;
  }

  /**
   * Starts consuming on {@code link}, returning once the queue is bound. Does nothing if already
   * consuming there: the bus and its reconnect may both attach a new subscription.
   */
  void attach(RabbitMqLink link) throws IOException {
    lock.lock();
    try {
      if (!open.get() || attachedTo == link) {
        return;
      }
      channel = link.subscribe(exchange, (tag, delivery) -> deliver(delivery), tag -> cancelled());
      attachedTo = link;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    Channel last;
    lock.lock();
    try {
      last = channel;
      channel = null;
    } finally {
      lock.unlock();
    }
    onClose.accept(this);
    if (last != null) {
      RabbitMqLink.abort(last);
    }
  }

  @Override
  public String toString() {
    return "subscription to exchange " + exchange;
  }

  private void deliver(Delivery delivery) {
    RabbitMqMessages.decode(delivery, this).ifPresent(message -> {
      handling.lock();
      try {
        if (open.get()) {
          RabbitMqMessages.handle(handler, message, this);
        }
      } finally {
        handling.unlock();
      }
    });
  }

  private void cancelled() {
    if (open.get()) {
      // Someone deleted our queue; a new one comes with the next connection.
      log.log(WARNING, () -> "the broker cancelled the " + this + "; it resumes on reconnect");
    }
  }
}
