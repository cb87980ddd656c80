package dev.ostore.locate;

import static java.util.Objects.requireNonNull;

import dev.ostore.ServerAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Where the shards of one content are: for each shard index, the live servers that hold it. */
public record Locations(Map<Integer, List<ServerAddress>> shards) {
  public static final Locations NONE = new Locations(Map.of());

  public Locations {
    requireNonNull(shards, "shards");
    TreeMap<Integer, List<ServerAddress>> copy = new TreeMap<>();
    shards.forEach((index, servers) -> {
      if (!servers.isEmpty()) {
        copy.put(index, List.copyOf(servers));
      }
    });
    shards = java.util.Collections.unmodifiableMap(copy);
  }

  /** The servers holding shard {@code index}; empty when none does. */
  public List<ServerAddress> holders(int index) {
    return shards.getOrDefault(index, List.of());
  }

  /** How many distinct shards some server holds. */
  public int distinctShards() {
    return shards.size();
  }

  /** The same, on {@code servers} only: those live, say. */
  public Locations onlyOn(java.util.Set<ServerAddress> servers) {
    Map<Integer, List<ServerAddress>> kept = new TreeMap<>();
    shards.forEach((index, holders) -> kept.put(index,
        holders.stream().filter(servers::contains).toList()));
    return new Locations(kept);
  }

  /** The same, without {@code server}: after it failed a read. */
  public Locations without(ServerAddress server) {
    Map<Integer, List<ServerAddress>> rest = new TreeMap<>();
    shards.forEach((index, servers) -> rest.put(index,
        servers.stream().filter(s -> !s.equals(server)).toList()));
    return new Locations(rest);
  }
}
