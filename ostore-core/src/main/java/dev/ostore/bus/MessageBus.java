package dev.ostore.bus;

import java.io.IOException;
import java.net.URI;
import java.time.InstantSource;
import java.util.function.Consumer;

/**
 * Fanout messaging between ostore servers: data servers announce themselves on {@link
 * #API_SERVERS}, api servers ask where objects are on {@link #DATA_SERVERS}. Every subscriber of
 * an exchange gets every message published to it while it is subscribed; a request's replies come
 * back only to its requester.
 *
 * <p>Handlers run on threads of the bus, one message at a time per subscription; a handler that
 * throws has that message logged and dropped, and keeps receiving the next ones. Implementations
 * are thread-safe; closing the bus closes its subscriptions.
 *
 * <pre>{@code
 * try (MessageBus bus = MessageBus.inMemory();
 *      Subscription s = bus.subscribe(MessageBus.API_SERVERS, m -> System.out.println(m.body()))) {
 *   bus.publish(MessageBus.API_SERVERS, "\"127.0.0.1:9001\"");
 * }
 * }</pre>
 */
public interface MessageBus extends AutoCloseable {
  /** The exchange data servers announce their address on. */
  String API_SERVERS = "apiServers";
  /** The exchange api servers send locate requests on. */
  String DATA_SERVERS = "dataServers";

  /** A bus inside this process, for the one-command store and for tests: no broker needed. */
  static MessageBus inMemory() {
    return new InMemoryBus();
  }

  /**
   * A bus over the RabbitMQ broker at {@code uri} ({@code amqp://user:pass@host:port/vhost}). It
   * keeps one connection, declares the exchanges it uses, and reconnects by itself whenever the
   * broker goes away. While the broker is unreachable, {@link #publish}, {@link #request} and
   * {@link #reply} fail at once with an {@link IOException}; {@link #subscribe} succeeds, and its
   * subscription, like every other, resumes once the broker is back. A request open when the
   * connection is lost gets no more replies, as if no one had answered.
   *
   * <p>Waiting: this factory waits for one first connection attempt, bounded by a few seconds,
   * and returns the bus even if the broker could not be reached. While connected, calls wait for
   * the broker's answers, at most 10 s each. Nothing ever waits for an absent broker.
   *
   * @throws IOException when the broker refuses us for good, which no retry would change: it
   *     refused the user name or password, or the virtual host, or what answers at that address
   *     is not an AMQP broker. The message says which, in one line.
   * @throws IllegalArgumentException when {@code uri} is not an AMQP URI
   */
  static MessageBus rabbitMq(URI uri) throws IOException {
    return RabbitMqBus.connect(uri, InstantSource.system());
  }

  /** Sends {@code body} to every current subscriber of {@code exchange}. */
  void publish(String exchange, String body) throws IOException;

  /** Delivers every message published on {@code exchange} from now on to {@code handler}. */
  Subscription subscribe(String exchange, Consumer<Message> handler) throws IOException;

  /**
   * Publishes a request on {@code exchange}; each reply to it reaches {@code onReply} until the
   * returned subscription is closed. The request carries a fresh correlation id.
   */
  Subscription request(String exchange, String body, Consumer<Message> onReply)
      throws IOException;

  /** Answers {@code request}; does nothing when the request asked for no reply. */
  void reply(Message request, String body) throws IOException;

  /**
   * Runs {@code listener} each time the bus connects to its broker after a time without a
   * connection (it lost it, or the broker was down when the bus started), once its subscriptions
   * are back: a publisher can then announce itself at once rather than at its next turn. It runs
   * on a thread of the bus and must return quickly. A bus that cannot lose its connection (the
   * in-memory one) never runs it. Closing the returned subscription stops it.
   */
  Subscription onReconnect(Runnable listener);

  /** Closes every subscription and releases the connection. Idempotent. */
  @Override
  void close();
}
