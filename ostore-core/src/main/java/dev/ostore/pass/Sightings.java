package dev.ostore.pass;

import dev.ostore.ServerAddress;
import dev.ostore.heartbeat.LiveServers;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * When each data server was last seen live, as far as this api server knows: heartbeats only
 * say who is live now, and a pass must tell a server gone for a minute (it may come back with
 * its shards) from one gone for good. A server never seen by this process is unknown to it.
 * Thread-safe.
 */
public final class Sightings {
  private final LiveServers live;
  private final InstantSource clock;
  private final Map<ServerAddress, Instant> lastSeen = new ConcurrentHashMap<>();

  public Sightings(LiveServers live, InstantSource clock) {
    this.live = live;
    this.clock = clock;
  }

  /** Notes the servers live now, and returns them. */
  public Set<ServerAddress> look() {
    Instant now = clock.instant();
    Set<ServerAddress> seen = live.live();
    seen.forEach(server -> lastSeen.put(server, now));
    return seen;
  }

  /** The servers not live now but seen within {@code after}. */
  public Set<ServerAddress> recentlyGone(Duration after) {
    Set<ServerAddress> seen = look();
    Instant since = clock.instant().minus(after);
    return lastSeen.entrySet().stream()
        .filter(e -> !seen.contains(e.getKey()) && e.getValue().isAfter(since))
        .map(Map.Entry::getKey).collect(Collectors.toSet());
  }

  /** The servers not live now but seen at some time by this process. */
  public Set<ServerAddress> gone() {
    Set<ServerAddress> seen = look();
    return lastSeen.keySet().stream().filter(server -> !seen.contains(server))
        .collect(Collectors.toSet());
  }
}
