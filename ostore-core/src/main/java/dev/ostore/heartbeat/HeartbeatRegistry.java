package dev.ostore.heartbeat;

import static java.lang.System.Logger.Level.WARNING;

import com.google.common.collect.ImmutableSet;
import dev.ostore.Json;
import dev.ostore.ServerAddress;
import dev.ostore.bus.Message;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link LiveServers} from heartbeats: the last time each address was heard. Expiry is computed
 * when asked, against the injected clock, so no sweeper thread is needed and tests move time
 * instead of sleeping.
 */
final class HeartbeatRegistry implements LiveServers {
  private static final Logger log = System.getLogger(HeartbeatRegistry.class.getName());

  private final InstantSource clock;
  private final Duration expiry;
  private final Map<ServerAddress, Instant> lastHeard = new ConcurrentHashMap<>();
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
      heard(ServerAddress.parse(Json.parseString(message.body())));
    } catch (IllegalArgumentException e) {
      log.log(WARNING, () -> "ignored a malformed heartbeat " + message.body() + ": "
          + e.getMessage());
    }
  }

  @Override
  public void heard(ServerAddress server) {
    if (server.isWildcard()) {
      throw new IllegalArgumentException("a wildcard address cannot be connected to: " + server);
    }
    if (lastHeard.put(server, clock.instant()) == null) {
      log.log(System.Logger.Level.INFO, () -> "data server " + server + " is live");
    }
  }

  @Override
  public Set<ServerAddress> live() {
    Instant now = clock.instant();
    ImmutableSet.Builder<ServerAddress> live = ImmutableSet.builder();
    lastHeard.forEach((server, heard) -> {
      if (now.isBefore(heard.plus(expiry))) {
        live.add(server);
      } else if (lastHeard.remove(server, heard)) {
        log.log(WARNING, () -> "data server " + server + " expired: not heard from since "
            + heard);
      }
    });
    return live.build();
  }

  @Override
  public Optional<ServerAddress> pick(Set<ServerAddress> excluded) {
    List<ServerAddress> candidates =
        live().stream().filter(server -> !excluded.contains(server)).toList();
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(candidates.get(ThreadLocalRandom.current().nextInt(candidates.size())));
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
