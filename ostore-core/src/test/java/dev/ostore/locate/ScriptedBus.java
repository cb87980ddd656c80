package dev.ostore.locate;

import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.ReconnectListeners;
import dev.ostore.bus.Subscription;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A bus driven by the test: {@link #deliver} hands a message to the subscribers on the test's
 * own thread, {@link #reconnected} plays a broker's return, and {@link #reply} and {@link
 * #request} record what was sent. It lets a test send requests no real
 * requester of this code base sends (such as the reference server's, without a correlation id)
 * and see at once whether they were answered.
 */
final class ScriptedBus implements MessageBus {
  /** A reply sent through this bus. */
  record Reply(Message request, String body) {}

  /** A request sent through this bus, open until its subscription is closed. */
  record Request(String exchange, String body, Consumer<Message> onReply, AtomicBoolean open) {}

  private record Subscriber(String exchange, Consumer<Message> handler, AtomicBoolean open) {}

  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final List<Reply> replies = new CopyOnWriteArrayList<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ReconnectListeners reconnects = new ReconnectListeners();
  private volatile IOException nextReplyFailure;

  /** Runs every open subscriber of {@code exchange} on {@code message}, here and now. */
  void deliver(String exchange, Message message) {
    for (Subscriber s : subscribers) {
      if (s.exchange().equals(exchange) && s.open().get()) {
        s.handler().accept(message);
      }
    }
  }

  /** Makes the next {@link #reply} throw {@code failure}. */
  void failNextReply(IOException failure) {
    nextReplyFailure = failure;
  }

  List<Reply> replies() {
    return new ArrayList<>(replies);
  }

  @Override
  public Subscription subscribe(String exchange, Consumer<Message> handler) {
    AtomicBoolean open = new AtomicBoolean(true);
    subscribers.add(new Subscriber(exchange, handler, open));
    return () -> open.set(false);
  }

  @Override
  public void reply(Message request, String body) throws IOException {
    IOException failure = nextReplyFailure;
    if (failure != null) {
      nextReplyFailure = null;
      throw failure;
    }
    replies.add(new Reply(request, body));
  }

  @Override
  public void publish(String exchange, String body) {
    throw new UnsupportedOperationException("publish is not scripted");
  }

  /** Records the request; the test answers it through {@link Request#onReply}. */
  @Override
  public Subscription request(String exchange, String body, Consumer<Message> onReply) {
    Request request = new Request(exchange, body, onReply, new AtomicBoolean(true));
    requests.add(request);
    return () -> request.open().set(false);
  }

  List<Request> requests() {
    return new ArrayList<>(requests);
  }

  @Override
  public Subscription onReconnect(Runnable listener) {
    return reconnects.add(listener);
  }

  /** Plays a broker that came back. */
  void reconnected() {
    reconnects.reconnected();
  }

  @Override
  public void close() {
    subscribers.forEach(s -> s.open().set(false));
  }
}
