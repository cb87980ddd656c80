package dev.ostore.locate;

import static java.util.Objects.requireNonNull;

import dev.ostore.Json;
import dev.ostore.ServerAddress;
import java.util.Map;

/**
 * A data server's answer to a locate request. ostore servers answer every request that carries a
 * correlation id, as {@code {"Addr":"host:port","Found":true|false}}, so a requester knows a miss
 * as soon as every live server has said no. A server built from the reference code answers hits
 * only, with the JSON string of its address; {@link #parse} reads both.
 */
public record LocateReply(ServerAddress server, boolean found) {
  public LocateReply {
    requireNonNull(server, "server");
  }

  /** Reads either form; malformed input is an {@link IllegalArgumentException}. */
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
    return new LocateReply(ServerAddress.parse(addr), found);
  }

  /** The ostore form, for requesters that asked with a correlation id. */
  public String toJson() {
    return "{\"Addr\":" + Json.quote(server.toString()) + ",\"Found\":" + found + "}";
  }

  /** The reference form of a hit, for requesters that did not: the JSON string of the address. */
  public String toReferenceJson() {
    return Json.quote(server.toString());
  }
}
