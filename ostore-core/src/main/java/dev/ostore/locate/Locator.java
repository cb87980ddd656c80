package dev.ostore.locate;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.heartbeat.LiveServers;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Finds the data servers holding a content, whole or in shards. It remembers where content was
 * found, and where shards were stored ({@link #rememberShards}), so a repeated lookup costs no
 * broadcast; a caller that finds a remembered server no longer has the
 * object {@link #forget}s it and asks again. Thread-safe.
 *
 * <pre>{@code
 * Locator locator = Locator.overBus(bus, liveServers, Duration.ofSeconds(1));
 * Optional<ServerAddress> holder = locator.locate("report.pdf");
 * }</pre>
 */
public interface Locator {
  /**
   * Asks all data servers on {@link MessageBus#DATA_SERVERS} and takes the first that has the
   * object. A miss is known as soon as every live server has said no, and after {@code timeout} at
   * worst (servers built from the reference code never say no).
   */
  static Locator overBus(MessageBus bus, LiveServers live, Duration timeout) {
    return new BusLocator(bus, live, timeout);
  }

  /**
   * A live server holding the object under {@code key}, or empty when none answers. When the bus
   * cannot carry the question it throws {@link dev.ostore.OstoreException} {@code BUS_UNAVAILABLE}.
   */
  Optional<ServerAddress> locate(String key) throws IOException;

  /**
   * Asks every live server, whatever is remembered: for decisions that must not rest on a location
   * that may have gone stale, such as not storing content because it is stored already.
   */
  Optional<ServerAddress> locateAfresh(String key) throws IOException;

  /** Drops what is remembered of {@code key}, so the next locate asks every server. */
  void forget(String key);

  /**
   * Where the shards of {@code hash} are: asks every live server and waits for all their answers
   * (for {@code timeout} at worst), unless the answer is remembered from an earlier call.
   * Unreachable broker: {@code BUS_UNAVAILABLE}, as for {@link #locate}.
   */
  Locations locateShards(ContentHash hash) throws IOException;

  /**
   * Where enough shards of {@code hash} to read it are: the remembered holders that are still
   * live, as long as they hold {@code needed} distinct shards (a server gone costs no broadcast
   * then), else as {@link #locateShards} finds them.
   */
  Locations locateShardsToRead(ContentHash hash, int needed) throws IOException;

  /** Notes where the shards of {@code hash} were just stored; {@link #forget} drops it. */
  void rememberShards(ContentHash hash, Locations locations);
}
