package dev.ostore.heartbeat;

import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.bus.MessageBus;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The data servers an api server knows to be alive: those whose heartbeat arrived within the
 * expiry, and the {@link ServerId} and room of each ostore server among them. A server is its id,
 * not its address: one heard at a new address with a known id has moved (its old address is
 * forgotten at once), and an id that changes at an address means a new, empty disk there.
 * Thread-safe; closing stops listening. Idempotent.
 *
 * <pre>{@code
 * try (LiveServers live = LiveServers.listen(bus, InstantSource.system(),
 *     Duration.ofSeconds(10))) {
 *   Set<ServerAddress> targets = live.withRoom();
 * }
 * }</pre>
 */
public interface LiveServers extends AutoCloseable {
  /**
   * Listens to heartbeats on {@link MessageBus#API_SERVERS}; a server not heard from for {@code
   * expiry}, as told by {@code clock}, is no longer live.
   */
  static LiveServers listen(MessageBus bus, InstantSource clock, Duration expiry)
      throws IOException {
    return HeartbeatRegistry.listen(bus, clock, expiry);
  }

  /** The live servers now. */
  Set<ServerAddress> live();

  /**
   * The live servers that may take new shards: all but those whose last heartbeat said they
   * have no room left ({@link Heartbeat#full}).
   */
  Set<ServerAddress> withRoom();

  /** The bytes live server {@code server} said it may still write; empty if it did not say. */
  OptionalLong freeOf(ServerAddress server);

  /** The id of live server {@code server}; empty when it is not live or sends no id. */
  Optional<ServerId> idOf(ServerAddress server);

  /** Where the live server {@code id} listens; empty when none is live with that id. */
  Optional<ServerAddress> addressOf(ServerId id);

  /**
   * Counts {@code server} as live from now on, as its heartbeat would: it has just answered on
   * the bus. Its id and room, if they were heard, are kept. It expires like any other unless
   * heard again. A wildcard address ({@code 0.0.0.0}), which cannot be connected to, is an {@link
   * IllegalArgumentException}.
   */
  void heard(ServerAddress server);

  /**
   * Counts the server of {@code heartbeat} as live from now on, with its id if it has one. As
   * {@link #heard(ServerAddress)}, a wildcard address is an {@link IllegalArgumentException}.
   */
  void heard(Heartbeat heartbeat);

  /**
   * Counts {@code server} as gone until its next heartbeat: its connections are refused, so it
   * most likely died, and waiting out the expiry would send it more requests (and make every
   * locate wait for its answer).
   */
  void dropUntilHeard(ServerAddress server);

  @Override
  void close();
}
