package dev.ostore.locate;

import static java.util.Objects.requireNonNull;

import dev.ostore.Json;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import dev.ostore.ShardId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A data server's answer to a locate request. ostore servers answer every request that carries a
 * correlation id, as {@code {"Addr":"host:port","Found":true|false,"Whole":true|false}}, so a
 * requester knows a miss as soon as every live server has said no; a server holding shards of the
 * content adds their indexes, sorted, and the first of them as the reference's chapter 5 does:
 * {@code {"Addr":"host:port","Found":true,"Whole":false,"Id":0,"Shards":[0,3]}}. {@code whole}
 * says whether the content is stored whole there too, as ostore stored it before erasure coding.
 * An ostore data server names itself with its {@link ServerId} too, {@code "Server":"<32 hex>"},
 * so that the shards are known to be on that server whatever address it moves to.
 * A server built from the reference code answers hits only, with the JSON string of its address
 * (chapters 2 to 4) or with {@code {"Addr","Id"}} (chapter 5); {@link #parse} reads every form.
 */
public record LocateReply(ServerAddress server, boolean found, List<Integer> shards,
    boolean whole, Optional<ServerId> serverId) {
  public LocateReply {
    requireNonNull(server, "server");
    requireNonNull(serverId, "serverId");
    shards = List.copyOf(shards);
    if (found != (whole || !shards.isEmpty())) {
      throw new IllegalArgumentException("a locate reply is found exactly when it holds the "
          + "content whole or some shards of it");
    }
    for (int index : shards) {
      if (index < 0 || index >= ShardId.MAX_SHARDS) {
        throw new IllegalArgumentException("shard index " + index + " in a locate reply");
      }
    }
  }

  /** A reply from a server whose id is not known. */
  public LocateReply(ServerAddress server, boolean found, List<Integer> shards, boolean whole) {
    this(server, found, shards, whole, Optional.empty());
  }

  /** A reply about whole content, holding no shards. */
  public LocateReply(ServerAddress server, boolean found) {
    this(server, found, List.of(), found);
  }

  /** A reply about shards, the content not being held whole. */
  public LocateReply(ServerAddress server, boolean found, List<Integer> shards) {
    this(server, found, shards, false);
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
    // The reference's chapter 5 answers hits only, with the shard's "Id" and no "Found".
    Object foundMember = members.containsKey("Found") || !members.containsKey("Id")
        ? members.get("Found") : Boolean.TRUE;
    if (!(foundMember instanceof Boolean found)) {
      throw new IllegalArgumentException("locate reply has no \"Found\" boolean: " + json);
    }
    Object shards = members.containsKey("Shards") || !(members.get("Id") instanceof Long id)
        ? members.getOrDefault("Shards", List.of()) : List.of(id);
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
    // Servers before erasure coding said nothing of shards: what they found was whole.
    boolean whole = members.get("Whole") instanceof Boolean w ? w : found && held.isEmpty();
    Object serverId = members.get("Server");
    if (serverId != null && !(serverId instanceof String)) {
      throw new IllegalArgumentException("locate reply's \"Server\" is not a string: " + json);
    }
    return new LocateReply(ServerAddress.parse(addr), found, held, whole,
        Optional.ofNullable((String) serverId).map(ServerId::parse));
  }

  /** The ostore form, for requesters that asked with a correlation id. */
  public String toJson() {
    String shardList = shards.isEmpty() ? "" : ",\"Id\":" + shards.get(0) + ",\"Shards\":"
        + shards.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    String id = serverId.map(s -> ",\"Server\":" + Json.quote(s.hex())).orElse("");
    return "{\"Addr\":" + Json.quote(server.toString()) + id + ",\"Found\":" + found
        + ",\"Whole\":" + whole + shardList + "}";
  }

  /** The reference form of a hit, for requesters that did not: the JSON string of the address. */
  public String toReferenceJson() {
    return Json.quote(server.toString());
  }
}
