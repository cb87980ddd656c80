package dev.ostore.heartbeat;

import static java.util.Objects.requireNonNull;

import dev.ostore.Json;
import dev.ostore.ServerAddress;
import dev.ostore.ServerId;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a data server announces on {@link dev.ostore.bus.MessageBus#API_SERVERS}: where it listens
 * and, for an ostore server, which server it is and how many bytes it may still write before the
 * reserve it keeps free ({@code 0}: it takes no new shards). ostore servers send {@code
 * {"Addr":"host:port","Id":"<32 hex>","Free":<bytes>}}; a server built from the reference code
 * sends the JSON string of its address and has neither. {@link #parse} reads both, and an
 * object without {@code Free}, as servers before it sent.
 */
public record Heartbeat(ServerAddress address, Optional<ServerId> id, OptionalLong free) {
  public Heartbeat {
    requireNonNull(address, "address");
    requireNonNull(id, "id");
    requireNonNull(free, "free");
    if (free.isPresent() && free.getAsLong() < 0) {
      throw new IllegalArgumentException("free bytes (" + free.getAsLong() + ") are negative");
    }
    if (free.isPresent() && id.isEmpty()) {
      throw new IllegalArgumentException("a heartbeat with free bytes needs an id to send them");
    }
  }

  /** A heartbeat that says nothing of the server's room. */
  public Heartbeat(ServerAddress address, Optional<ServerId> id) {
    this(address, id, OptionalLong.empty());
  }

  /** An ostore server's heartbeat, without its room. */
  public Heartbeat(ServerAddress address, ServerId id) {
    this(address, Optional.of(id));
  }

  /** An ostore server's heartbeat: it may write {@code free} more bytes. */
  public Heartbeat(ServerAddress address, ServerId id, long free) {
    this(address, Optional.of(id), OptionalLong.of(free));
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
    Object free = members.get("Free");
    if (free != null && !(free instanceof Long)) {
      throw new IllegalArgumentException("heartbeat's \"Free\" is not an integer: " + json);
    }
    return new Heartbeat(ServerAddress.parse(addr), Optional.of(ServerId.parse(id)),
        free == null ? OptionalLong.empty() : OptionalLong.of((Long) free));
  }

  /** Whether the server said it takes no new shards. */
  public boolean full() {
    return free.isPresent() && free.getAsLong() == 0;
  }

  /** The form {@link #parse} reads: an object with an id, the reference's string without. */
  public String toJson() {
    String addr = Json.quote(address.toString());
    String room = free.isPresent() ? ",\"Free\":" + free.getAsLong() : "";
    return id.map(server -> "{\"Addr\":" + addr + ",\"Id\":" + Json.quote(server.hex()) + room
        + "}").orElse(addr);
  }
}
