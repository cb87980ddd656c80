package dev.ostore.heartbeat;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import com.google.common.collect.ImmutableSet;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * {@link LiveServers} from heartbeats: the last time each address was heard, and the id and room
 * it was heard with. Expiry is computed when asked, against the injected clock, so no sweeper
 * thread is needed and tests move time instead of sleeping.
 */
final class HeartbeatRegistry implements LiveServers {
  private static final Logger log = System.getLogger(HeartbeatRegistry.class.getName());

  /** When a server was last heard, and its id and room if it sends them. */
  private record Heard(Instant at, Optional<ServerId> id, OptionalLong free) {
    boolean full() {
      return free.isPresent() && free.getAsLong() == 0;
    }
  }

  private final InstantSource clock;
  private final Duration expiry;
  private final Map<ServerAddress, Heard> lastHeard = new ConcurrentHashMap<>();
  private volatile Subscription subscription;

  private HeartbeatRegistry(InstantSource clock, Duration expiry) {
    this.clock = clock;
    this.expiry = expiry;
  }

  static HeartbeatRegistry listen(MessageBus bus, InstantSource clock, Duration expiry)
      throws IOException {
    HeartbeatRegistry registry = new HeartbeatRegistry(clock, expiry);
    registry.subscription = bus.subscribe(MessageBus.API_SERVERS, registry::heartbeat);
    return registry;
  }

  private void heartbeat(Message message) {
    try {
      heard(Heartbeat.parse(message.body()));
    } catch (IllegalArgumentException e) {
      log.log(WARNING, () -> "ignored a malformed heartbeat " + message.body() + ": "
          + e.getMessage());
    }
  }

  @Override
  public void heard(ServerAddress server) {
    checkConnectable(server);
    Heard[] before = new Heard[1];
    Heard now = lastHeard.compute(server, (address, previous) -> {
      before[0] = previous;
      return previous == null ? new Heard(clock.instant(), Optional.empty(), OptionalLong.empty())
          : new Heard(clock.instant(), previous.id(), previous.free());
    });
    logIfNew(server, before[0], now);
  }

  @Override
  public void heard(Heartbeat heartbeat) {
    ServerAddress server = heartbeat.address();
    checkConnectable(server);
    heartbeat.id().ifPresent(id -> forgetOldAddress(id, server));
    Heard[] before = new Heard[1];
    Heard now = lastHeard.compute(server, (address, previous) -> {
      before[0] = previous;
      // A roll call's answer names the server but not its room: the room heard last stands.
      boolean same = previous != null && previous.id().equals(heartbeat.id());
      return new Heard(clock.instant(), heartbeat.id(),
          heartbeat.free().isEmpty() && same ? previous.free() : heartbeat.free());
    });
    logIfNew(server, before[0], now);
  }

  /** A server heard at a new address has left its old one: nothing listens there for it now. */
  private void forgetOldAddress(ServerId id, ServerAddress current) {
    lastHeard.forEach((address, heard) -> {
      if (!address.equals(current) && heard.id().equals(Optional.of(id))
          && lastHeard.remove(address, heard)) {
        log.log(INFO, () -> "data server " + id + " moved from " + address + " to " + current);
      }
    });
  }

  private static void logIfNew(ServerAddress server, Heard before, Heard now) {
    if (before == null) {
      log.log(INFO, () -> "data server " + server + now.id().map(id -> " (" + id + ")").orElse("")
          + " is live");
    } else if (before.id().isPresent() && now.id().isPresent()
        && !before.id().equals(now.id())) {
      log.log(WARNING, () -> "data server " + server + " is now " + now.id().get() + ", no longer "
          + before.id().get() + ": its storage root was replaced or wiped, so it holds none of"
          + " the old server's shards");
    }
  }

  private static void checkConnectable(ServerAddress server) {
    if (server.isWildcard()) {
      throw new IllegalArgumentException("a wildcard address cannot be connected to: " + server);
    }
  }

  @Override
  public Set<ServerAddress> live() {
    return liveWhere(heard -> true);
  }

  @Override
  public Set<ServerAddress> withRoom() {
    return liveWhere(heard -> !heard.full());
  }

  /** The live servers whose last hearing passes {@code test}; those expired are forgotten. */
  private Set<ServerAddress> liveWhere(Predicate<Heard> test) {
    ImmutableSet.Builder<ServerAddress> live = ImmutableSet.builder();
    lastHeard.forEach((server, heard) -> {
      if (isLive(heard)) {
        if (test.test(heard)) {
          live.add(server);
        }
      } else if (lastHeard.remove(server, heard)) {
        log.log(WARNING, () -> "data server " + server + " expired: not heard from since "
            + heard.at());
      }
    });
    return live.build();
  }

  @Override
  public OptionalLong freeOf(ServerAddress server) {
    Heard heard = lastHeard.get(server);
    return heard != null && isLive(heard) ? heard.free() : OptionalLong.empty();
  }

  @Override
  public Optional<ServerId> idOf(ServerAddress server) {
    Heard heard = lastHeard.get(server);
    return heard != null && isLive(heard) ? heard.id() : Optional.empty();
  }

  @Override
  public Optional<ServerAddress> addressOf(ServerId id) {
    return lastHeard.entrySet().stream()
        .filter(e -> e.getValue().id().equals(Optional.of(id)) && isLive(e.getValue()))
        .map(Map.Entry::getKey).findFirst();
  }

  private boolean isLive(Heard heard) {
    return clock.instant().isBefore(heard.at().plus(expiry));
  }

  @Override
  public void dropUntilHeard(ServerAddress server) {
    if (lastHeard.remove(server) != null) {
      log.log(WARNING, () -> "data server " + server + " dropped: its connections are refused");
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
