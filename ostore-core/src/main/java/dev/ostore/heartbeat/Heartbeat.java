package dev.ostore.heartbeat;

import static java.util.Objects.requireNonNull;

import dev.ostore.Json;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import java.util.Map;
import java.util.Optional;

/**
 * What a data server announces on {@link dev.ostore.bus.MessageBus#API_SERVERS}: where it listens
 * and, for an ostore server, which server it is. ostore servers send {@code
 * {"Addr":"host:port","Id":"<32 hex>"}}; a server built from the reference code sends the JSON
 * string of its address and has no id. {@link #parse} reads both.
 */
public record Heartbeat(ServerAddress address, Optional<ServerId> id) {
  public Heartbeat {
    requireNonNull(address, "address");
    requireNonNull(id, "id");
  }

  /** An ostore server's heartbeat. */
  public Heartbeat(ServerAddress address, ServerId id) {
    this(address, Optional.of(id));
  }

  /** Reads either form; anything else is an {@link IllegalArgumentException}. */
  public static Heartbeat parse(String json) {
    if (!Json.isObject(json)) {
      return new Heartbeat(ServerAddress.parse(Json.parseString(json)), Optional.empty());
    }
    Map<String, Object> members = Json.parseObject(json);
    if (!(members.get("Addr") instanceof String addr)) {
      throw new IllegalArgumentException("heartbeat has no \"Addr\" string: " + json);
    }
    if (!(members.get("Id") instanceof String id)) {
      throw new IllegalArgumentException("heartbeat has no \"Id\" string: " + json);
    }
    return new Heartbeat(ServerAddress.parse(addr), ServerId.parse(id));
  }

  /** The form {@link #parse} reads: an object with an id, the reference's string without. */
  public String toJson() {
    String addr = Json.quote(address.toString());
    return id.map(server -> "{\"Addr\":" + addr + ",\"Id\":" + Json.quote(server.hex()) + "}")
        .orElse(addr);
  }
}
