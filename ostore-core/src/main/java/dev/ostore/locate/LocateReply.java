package dev.ostore.locate;

import static java.util.Objects.requireNonNull;

import dev.ostore.Json;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A data server's answer to a locate request. ostore servers answer every request that carries a
 * correlation id, as {@code {"Addr":"host:port","Found":true|false}}, so a requester knows a miss
 * as soon as every live server has said no; a server holding shards of the content adds their
 * indexes, sorted: {@code {"Addr":"host:port","Found":true,"Shards":[0,3]}}. A server built from
 * the reference code answers hits only, with the JSON string of its address; {@link #parse} reads
 * every form. {@code shards} is empty for a whole-content answer and for the older forms.
 */
public record LocateReply(ServerAddress server, boolean found, List<Integer> shards) {
  public LocateReply {
    requireNonNull(server, "server");
    shards = List.copyOf(shards);
    for (int index : shards) {
      if (index < 0 || index >= ShardId.MAX_SHARDS) {
        throw new IllegalArgumentException("shard index " + index + " in a locate reply");
      }
    }
    if (!found && !shards.isEmpty()) {
      throw new IllegalArgumentException("a locate reply holding shards " + shards
          + " must say Found");
    }
  }

  /** A reply about whole content, holding no shards. */
  public LocateReply(ServerAddress server, boolean found) {
    this(server, found, List.of());
  }

  /** Reads any form; malformed input is an {@link IllegalArgumentException}. */
  public static LocateReply parse(String json) {
    if (!Json.isObject(json)) {
      return new LocateReply(ServerAddress.parse(Json.parseString(json)), true);
    }
    Map<String, Object> members = Json.parseObject(json);
    if (!(members.get("Addr") instanceof String addr)) {
      throw new IllegalArgumentException("locate reply has no \"Addr\" string: " + json);
    }
    if (!(members.get("Found") instanceof Boolean found)) {
      throw new IllegalArgumentException("locate reply has no \"Found\" boolean: " + json);
    }
    Object shards = members.getOrDefault("Shards", List.of());
    if (!(shards instanceof List<?> indexes)) {
      throw new IllegalArgumentException("locate reply's \"Shards\" is not an array: " + json);
    }
    List<Integer> held = new ArrayList<>();
    for (Object index : indexes) {
      long value = (Long) index; // Json gives arrays of integers only
      if (value < 0 || value >= ShardId.MAX_SHARDS) {
        throw new IllegalArgumentException("locate reply names shard " + value + ": " + json);
      }
      held.add((int) value);
    }
    return new LocateReply(ServerAddress.parse(addr), found, held);
  }

  /** The ostore form, for requesters that asked with a correlation id. */
  public String toJson() {
    String shardList = shards.isEmpty() ? "" : ",\"Shards\":" + shards.stream()
        .map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    return "{\"Addr\":" + Json.quote(server.toString()) + ",\"Found\":" + found + shardList + "}";
  }

  /** The reference form of a hit, for requesters that did not: the JSON string of the address. */
  public String toReferenceJson() {
    return Json.quote(server.toString());
  }
}
