package dev.ostore.locate;

import static java.lang.System.Logger.Level.WARNING;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.Json;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.bus.Subscription;
import dev.ostore.heartbeat.LiveServers;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** {@link Locator} that asks over a {@link MessageBus} and remembers recent answers. */
final class BusLocator implements Locator {
  private static final Logger log = System.getLogger(BusLocator.class.getName());
  private static final int REMEMBERED = 100_000;

  private final MessageBus bus;
  private final LiveServers liveServers;
  private final Duration timeout;
  private final Cache<String, ServerAddress> recent =
      CacheBuilder.newBuilder().maximumSize(REMEMBERED).build();
  private final Cache<String, Locations> recentShards =
      CacheBuilder.newBuilder().maximumSize(REMEMBERED).build();

  BusLocator(MessageBus bus, LiveServers liveServers, Duration timeout) {
    this.bus = bus;
    this.liveServers = liveServers;
    this.timeout = timeout;
  }

  @Override
  public Optional<ServerAddress> locate(String key) throws IOException {
    ServerAddress remembered = recent.getIfPresent(key);
    if (remembered != null && liveServers.live().contains(remembered)) {
      return Optional.of(remembered);
    }
    return locateAfresh(key);
  }

  @Override
  public Optional<ServerAddress> locateAfresh(String key) throws IOException {
    Set<ServerAddress> live = liveServers.live();
    if (live.isEmpty()) {
      return Optional.empty();
    }
    Optional<ServerAddress> found = ask(key, live);
    found.ifPresentOrElse(server -> recent.put(key, server), () -> recent.invalidate(key));
    return found;
  }

  @Override
  public void forget(String key) {
    recent.invalidate(key);
    recentShards.invalidate(key);
  }

  @Override
  public Locations locateShards(ContentHash hash) throws IOException {
    String key = hash.hex();
    Set<ServerAddress> live = liveServers.live();
    Locations remembered = recentShards.getIfPresent(key);
    if (remembered != null && remembered.shards().values().stream()
        .allMatch(servers -> live.containsAll(servers))) {
      return remembered;
    }
    if (live.isEmpty()) {
      return Locations.NONE;
    }
    Map<Integer, List<ServerAddress>> holders = new HashMap<>();
    Set<ServerAddress> answered = new HashSet<>();
    CompletableFuture<Void> everyone = new CompletableFuture<>();
    await(key, everyone, reply -> {
      synchronized (holders) {
        if (reply.found()) {
          for (int index : reply.shards()) {
            holders.computeIfAbsent(index, i -> new ArrayList<>()).add(reply.server());
          }
        }
        if (answered.add(reply.server()) && answered.containsAll(live)) {
          everyone.complete(null);
        }
      }
    });
    Locations found;
    synchronized (holders) {
      found = new Locations(holders);
    }
    if (found.distinctShards() > 0) {
      recentShards.put(key, found);
    } else {
      recentShards.invalidate(key);
    }
    return found;
  }

  @Override
  public Locations locateShardsToRead(ContentHash hash, int needed) throws IOException {
    Locations remembered = recentShards.getIfPresent(hash.hex());
    if (remembered != null) {
      Locations alive = remembered.onlyOn(liveServers.live());
      if (alive.distinctShards() >= needed) {
        return alive;
      }
    }
    return locateShards(hash);
  }

  @Override
  public void rememberShards(ContentHash hash, Locations locations) {
    recentShards.put(hash.hex(), locations);
  }

  private Optional<ServerAddress> ask(String key, Set<ServerAddress> live) throws IOException {
    CompletableFuture<Optional<ServerAddress>> answer = new CompletableFuture<>();
    Set<ServerAddress> saidNo = ConcurrentHashMap.newKeySet();
    return await(key, answer, reply -> {
      if (reply.whole()) {
        answer.complete(Optional.of(reply.server()));
      } else if (saidNo.add(reply.server()) && saidNo.containsAll(live)) {
        answer.complete(Optional.empty());
      }
    }).orElse(Optional.empty());
  }

  /**
   * Asks every data server about {@code key}, hands each well-formed answer to {@code heard},
   * and waits for it to complete {@code done}, or for the timeout: then it is empty.
   */
  private <T> Optional<T> await(String key, CompletableFuture<T> done,
      Consumer<LocateReply> heard) throws IOException {
    Subscription replies;
    try {
      replies = bus.request(MessageBus.DATA_SERVERS, Json.quote(key), message -> {
        try {
          heard.accept(LocateReply.parse(message.body()));
        } catch (IllegalArgumentException e) {
          log.log(WARNING, () -> "ignored a malformed locate reply: " + e.getMessage());
        }
      });
    } catch (IOException e) {
      throw new OstoreException(ErrorCode.BUS_UNAVAILABLE,
          "cannot ask the data servers where " + key + " is: " + e.getMessage(), e);
    }
    try (replies) {
      return Optional.ofNullable(done.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while locating " + key);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a locate answer cannot fail", e);
    }
  }
}
