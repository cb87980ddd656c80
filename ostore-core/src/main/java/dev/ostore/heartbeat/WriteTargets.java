package dev.ostore.heartbeat;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The data servers a write may put new shards on: the live ones with room, in random order, which
 * spreads shards, and so reads, over them all. Every way of writing shards (a PUT, an upload, a
 * repair, a conversion) asks here, so that none of them sends a shard to a server that said it
 * is full.
 */
public final class WriteTargets {
  private WriteTargets() {}

  /**
   * At least {@code needed} servers for what {@code writing} names (such as {@code "storing doc
   * (5 of the 6 shards of 4+2/65536)"}, asked only for an error): {@code NO_DATA_SERVER} when
   * fewer are live, {@code INSUFFICIENT_STORAGE} when enough are live but fewer have room.
   */
  public static List<ServerAddress> atLeast(LiveServers live, int needed,
      Supplier<String> writing) throws OstoreException {
    List<ServerAddress> targets = any(live);
    if (targets.size() >= needed) {
      return targets;
    }
    Set<ServerAddress> alive = live.live();
    if (alive.isEmpty()) {
      throw new OstoreException(ErrorCode.NO_DATA_SERVER, "no data server is live");
    }
    if (alive.size() < needed) {
      throw new OstoreException(ErrorCode.NO_DATA_SERVER, writing.get() + " needs " + needed
          + " live data servers, and " + alive.size() + (alive.size() == 1 ? " is" : " are")
          + " live");
    }
    int full = alive.size() - targets.size();
    throw new OstoreException(ErrorCode.INSUFFICIENT_STORAGE, writing.get() + " needs " + needed
        + " data servers with room, and " + full + " of the " + alive.size() + " live "
        + (full == 1 ? "is" : "are") + " full (less than their MIN_FREE_SPACE free)");
  }

  /** However many there are, for a write that takes what it finds (a repair). */
  public static List<ServerAddress> any(LiveServers live) {
    List<ServerAddress> targets = new ArrayList<>(live.withRoom());
    Collections.shuffle(targets);
    return targets;
  }
}
