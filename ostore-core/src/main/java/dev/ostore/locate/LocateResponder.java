package dev.ostore.locate;

import static java.lang.System.Logger.Level.WARNING;

import dev.ostore.Json;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import java.io.IOException;
import java.lang.System.Logger;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A data server's side of locate: answers each request on {@link MessageBus#DATA_SERVERS} with
 * whether it holds the key, whole or as shards (see {@link LocateReply} for the reply forms). A malformed request
 * is logged and dropped. Closing stops answering; idempotent.
 */
public final class LocateResponder implements AutoCloseable {
  private static final Logger log = System.getLogger(LocateResponder.class.getName());

  private final MessageBus bus;
  private final ServerAddress self;
  private final Optional<ServerId> id;
  private final Predicate<String> holds;
  private final Function<String, List<Integer>> shardsHeld;
  private volatile Subscription subscription;

  private LocateResponder(MessageBus bus, ServerAddress self, Optional<ServerId> id,
      Predicate<String> holds, Function<String, List<Integer>> shardsHeld) {
    this.bus = bus;
    this.self = self;
    this.id = id;
    this.holds = holds;
    this.shardsHeld = shardsHeld;
  }

  /**
   * Starts answering for {@code self}, a server without an id that holds no shards; {@code holds}
   * tells whether a key is stored here.
   */
  public static LocateResponder start(MessageBus bus, ServerAddress self,
      Predicate<String> holds) throws IOException {
    return start(bus, self, Optional.empty(), holds, key -> List.of());
  }

  /**
   * As {@link #start(MessageBus, ServerAddress, Predicate)} for the server {@code id}, which
   * ostore replies name, and {@code shardsHeld} gives the sorted indexes of the key's shards
   * stored here (empty for none): a server holding any says it found the key.
   */
  public static LocateResponder start(MessageBus bus, ServerAddress self, ServerId id,
      Predicate<String> holds, Function<String, List<Integer>> shardsHeld) throws IOException {
    return start(bus, self, Optional.of(id), holds, shardsHeld);
  }

  private static LocateResponder start(MessageBus bus, ServerAddress self, Optional<ServerId> id,
      Predicate<String> holds, Function<String, List<Integer>> shardsHeld) throws IOException {
    LocateResponder responder = new LocateResponder(bus, self, id, holds, shardsHeld);
    responder.subscription = bus.subscribe(MessageBus.DATA_SERVERS, responder::answer);
    return responder;
  }

  private void answer(Message request) {
    String key;
    try {
      key = Json.parseString(request.body());
    } catch (IllegalArgumentException e) {
      log.log(WARNING, () -> "ignored a malformed locate request: " + e.getMessage());
      return;
    }
    List<Integer> shards = shardsHeld.apply(key);
    boolean whole = holds.test(key);
    LocateReply reply = new LocateReply(self, whole || !shards.isEmpty(), shards, whole, id);
    // A requester without a correlation id follows the reference protocol: hits only, as a string.
    boolean ostoreRequester = request.correlationId().isPresent();
    if (!reply.found() && !ostoreRequester) {
      return;
    }
    try {
      bus.reply(request, ostoreRequester ? reply.toJson() : reply.toReferenceJson());
    } catch (IOException e) {
      log.log(WARNING, () -> "locate reply for " + key + " not sent: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    Subscription s = subscription;
    if (s != null) {
      s.close();
    }
  }
}
