package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The shards a store holds, in {@link ShardId} order, as 256 skip lists, one for each first byte
 * of the content's hash. Every store of a shard looks it up, and a walk of one skip list of all
 * the shards meets a cache miss at each of its many steps; a list of a 256th of them has fewer
 * steps. Thread-safe, as each list is.
 */
final class ShardIndex {
  private final List<ConcurrentSkipListSet<ShardId>> lists = new ArrayList<>(256);

  ShardIndex() {
    for (int i = 0; i < 256; i++) {
      lists.add(new ConcurrentSkipListSet<>());
    }
  }

  boolean contains(ShardId id) {
    return listOf(id.hash()).contains(id);
  }

  /** Adds {@code id}; false when it was there already. */
  boolean add(ShardId id) {
    return listOf(id.hash()).add(id);
  }

  void remove(ShardId id) {
    listOf(id.hash()).remove(id);
  }

  /** How many shards; a walk of them all, so for logs, not for every request. */
  int size() {
    return lists.stream().mapToInt(Set::size).sum();
  }

  /** The indexes of the shards of {@code hash} held, lowest first. */
  List<Integer> indexesOf(ContentHash hash) {
    List<Integer> indexes = new ArrayList<>();
    for (ShardId id : listOf(hash).subSet(new ShardId(hash, 0), true,
        new ShardId(hash, ShardId.MAX_SHARDS - 1), true)) {
      indexes.add(id.index());
    }
    return indexes;
  }

  /** Up to {@code limit} shards in order, those after {@code after} when it is given. */
  List<ShardId> list(Optional<ShardId> after, int limit) {
    List<ShardId> page = new ArrayList<>(Math.min(limit, 1024));
    int first = after.map(id -> id.hash().firstByte()).orElse(0);
    for (int i = first; i < lists.size() && page.size() < limit; i++) {
      Set<ShardId> rest = i == first && after.isPresent()
          ? lists.get(i).tailSet(after.get(), false) : lists.get(i);
      for (ShardId id : rest) {
        if (page.size() == limit) {
          break;
        }
        page.add(id);
      }
    }
    return page;
  }

  private ConcurrentSkipListSet<ShardId> listOf(ContentHash hash) {
    return lists.get(hash.firstByte());
  }
}
