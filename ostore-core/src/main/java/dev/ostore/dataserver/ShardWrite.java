package dev.ostore.dataserver;

import dev.ostore.ServerAddress;
import dev.ostore.locate.Locations;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * What a data server did with a shard written to it: stored it now (201), or kept the one it
 * held already (200). A write that kept shards restores them once its version is recorded, in
 * case a collection held them meanwhile.
 */
public enum ShardWrite {
  STORED,
  KEPT_EXISTING;

  /** The outcome a successful answer's {@code status} tells. */
  static ShardWrite of(int status) {
    return status == 200 ? KEPT_EXISTING : STORED;
  }

  /** Where the shards of {@code writes} (by index) that were kept existing are. */
  public static Locations kept(Map<Integer, ShardWrite> writes,
      IntFunction<ServerAddress> serverOf) {
    Map<Integer, List<ServerAddress>> kept = new HashMap<>();
    writes.forEach((index, write) -> {
      if (write == KEPT_EXISTING) {
        kept.put(index, List.of(serverOf.apply(index)));
      }
    });
    return new Locations(kept);
  }
}
