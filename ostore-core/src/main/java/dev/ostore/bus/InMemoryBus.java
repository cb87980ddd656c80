package dev.ostore.bus;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@link MessageBus} inside one process. Like a broker, it delivers asynchronously: each
 * subscription has its own ordered queue, drained on a shared pool of daemon threads, so a
 * publisher never runs a subscriber's handler on its own thread.
 */
final class InMemoryBus implements MessageBus {
  private static final Logger log = System.getLogger(InMemoryBus.class.getName());

  private final ExecutorService pool = Executors.newCachedThreadPool(
      new ThreadFactoryBuilder().setNameFormat("in-memory-bus-%d").setDaemon(true).build());
  private final Map<String, Set<Queue>> exchanges = new ConcurrentHashMap<>();
  private final Map<String, Queue> replyQueues = new ConcurrentHashMap<>();
  private final AtomicBoolean open = new AtomicBoolean(true);

  @Override
  public void publish(String exchange, String body) throws IOException {
    publish(exchange, Message.of(body));
  }

  @Override
  public Subscription subscribe(String exchange, Consumer<Message> handler) throws IOException {
    checkOpen();
    Queue queue = new Queue(handler, q -> exchanges.get(exchange).remove(q));
    exchanges.computeIfAbsent(exchange, e -> ConcurrentHashMap.newKeySet()).add(queue);
    return queue;
  }

  @Override
  public Subscription request(String exchange, String body, Consumer<Message> onReply)
      throws IOException {
    checkOpen();
    String id = UUID.randomUUID().toString();
    String replyTo = "reply-" + id;
    Queue queue = new Queue(onReply, q -> replyQueues.remove(replyTo));
    replyQueues.put(replyTo, queue);
    publish(exchange, new Message(body, Optional.of(replyTo), Optional.of(id)));
    return queue;
  }

  @Override
  public void reply(Message request, String body) throws IOException {
    checkOpen();
    if (request.replyTo().isEmpty()) {
      return;
    }
    // Like a reply to a deleted queue on a broker, one to a closed request is dropped.
    Queue queue = replyQueues.get(request.replyTo().get());
    if (queue != null) {
      queue.deliver(new Message(body, Optional.empty(), request.correlationId()));
    }
  }

  /** This bus is never without its "broker", so there is nothing to tell. */
  @Override
  public Subscription onReconnect(Runnable listener) {
    return () -> {};
  }

  @Override
  public void close() {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    exchanges.values().forEach(queues -> queues.forEach(Queue::close));
    replyQueues.values().forEach(Queue::close);
    pool.shutdown();
  }

  @Override
  public String toString() {
    return "InMemoryBus";
  }

  private void publish(String exchange, Message message) throws IOException {
    checkOpen();
    for (Queue queue : exchanges.getOrDefault(exchange, Set.of())) {
      queue.deliver(message);
    }
  }

  private void checkOpen() throws IOException {
    if (!open.get()) {
      throw new IOException("the in-memory bus is closed");
    }
  }

  /** One subscriber's queue: messages handled in order, one at a time. */
  private final class Queue implements Subscription {
    private final Executor serial = MoreExecutors.newSequentialExecutor(pool);
    private final Consumer<Message> handler;
    private final Consumer<Queue> onClose;
    private final AtomicBoolean subscribed = new AtomicBoolean(true);

    Queue(Consumer<Message> handler, Consumer<Queue> onClose) {
      this.handler = handler;
      this.onClose = onClose;
    }

    void deliver(Message message) {
      try {
        serial.execute(() -> handle(message));
      } catch (RejectedExecutionException e) {
        // The bus closed meanwhile; a closed bus delivers nothing.
      }
    }

    private void handle(Message message) {
      if (!subscribed.get()) {
        return;
      }
      try {
        handler.accept(message);
      } catch (RuntimeException e) {
        log.log(Level.ERROR, () -> "message handler failed on " + message.body(), e);
      }
    }

    @Override
    public void close() {
      if (subscribed.compareAndSet(true, false)) {
        onClose.accept(this);
      }
    }
  }
}
