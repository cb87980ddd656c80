package dev.ostore.client;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where an object's content is on the data servers, as {@code GET /locate/} tells: for content
 * stored in shards (erasure-coded), each shard index held by a live data server with the
 * address ({@code host:port}) of one holding it; for content stored whole, as ostore stored it
 * before erasure coding, the address of its data server.
 */
public record Location(SortedMap<Integer, String> shards, Optional<String> whole) {
  public Location {
    requireNonNull(whole, "whole");
    shards = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(shards));
  }

  /** Every address named, one a line: {@code <index> <host:port>} for shards, else the address. */
  @Override
  public String toString() {
    return whole.orElseGet(() -> shards.entrySet().stream()
        .map(shard -> shard.getKey() + " " + shard.getValue())
        .collect(Collectors.joining("\n")));
  }

  /** Reads the answer of {@code GET /locate/}: a JSON object of shards, or a JSON string. */
  static Location parse(String json) {
    if (json.strip().startsWith("\"")) {
      return new Location(new TreeMap<>(), Optional.of(Json.string(json)));
    }
    SortedMap<Integer, String> shards = new TreeMap<>();
    for (Map.Entry<String, Object> member : Json.object(json).entrySet()) {
      if (!member.getKey().matches("0|[1-9][0-9]{0,2}")
          || !(member.getValue() instanceof String address)) {
        throw new IllegalArgumentException("not a shard and its address: " + member);
      }
      shards.put(Integer.parseInt(member.getKey()), address);
    }
    return new Location(shards, Optional.empty());
  }
}
