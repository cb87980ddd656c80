package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The shards a store holds, in hash sets by the first 12 bits of the content's hash. Every store
 * of a shard looks it up, and a hash set finds it in a few steps where a sorted structure walks
 * many, each a cache miss in a big index. Listings, which page through the shards in {@link
 * ShardId} order, sort the sets they reach instead: a set holds a 4,096th of the shards. Thread-
 * safe; a listing sees each shard added or removed during it, or not, as a set's iterator does.
 */
final class ShardIndex {
  private static final int BUCKET_BITS = 12;
  private static final int BUCKETS = 1 << BUCKET_BITS;

  /** Made when first needed: a store with few shards (a test's, a new server's) costs little. */
  private final AtomicReferenceArray<Set<ShardId>> buckets = new AtomicReferenceArray<>(BUCKETS);
  /** The highest index ever added, never lowered: how far {@link #indexesOf} looks. */
  private final AtomicInteger highestIndex = new AtomicInteger(-1);

  boolean contains(ShardId id) {
    Set<ShardId> bucket = buckets.get(bucketOf(id.hash()));
    return bucket != null && bucket.contains(id);
  }

  /** Adds {@code id}; false when it was there already. */
  boolean add(ShardId id) {
    highestIndex.accumulateAndGet(id.index(), Math::max);
    int at = bucketOf(id.hash());
    Set<ShardId> bucket = buckets.get(at);
    if (bucket == null) {
      buckets.compareAndSet(at, null, ConcurrentHashMap.newKeySet());
      bucket = buckets.get(at);
    }
    return bucket.add(id);
  }

  void remove(ShardId id) {
    Set<ShardId> bucket = buckets.get(bucketOf(id.hash()));
    if (bucket != null) {
      bucket.remove(id);
    }
  }

  /** How many shards; a walk of the sets, so for logs, not for every request. */
  int size() {
    int size = 0;
    for (int i = 0; i < BUCKETS; i++) {
      Set<ShardId> bucket = buckets.get(i);
      size += bucket == null ? 0 : bucket.size();
    }
    return size;
  }

  /** The indexes of the shards of {@code hash} held, lowest first. */
  List<Integer> indexesOf(ContentHash hash) {
    Set<ShardId> bucket = buckets.get(bucketOf(hash));
    List<Integer> indexes = new ArrayList<>();
    for (int i = 0, highest = highestIndex.get(); bucket != null && i <= highest; i++) {
      if (bucket.contains(new ShardId(hash, i))) {
        indexes.add(i);
      }
    }
    return indexes;
  }

  /** Up to {@code limit} shards in order, those after {@code after} when it is given. */
  List<ShardId> list(Optional<ShardId> after, int limit) {
    List<ShardId> page = new ArrayList<>(Math.min(limit, 1024));
    int first = after.map(id -> bucketOf(id.hash())).orElse(0);
    for (int i = first; i < BUCKETS && page.size() < limit; i++) {
      Set<ShardId> bucket = buckets.get(i);
      if (bucket == null) {
        continue;
      }
      ShardId[] sorted = bucket.toArray(ShardId[]::new);
      Arrays.sort(sorted);
      int from = 0;
      if (i == first && after.isPresent()) {
        int found = Arrays.binarySearch(sorted, after.get());
        from = found >= 0 ? found + 1 : -found - 1;
      }
      for (int j = from; j < sorted.length && page.size() < limit; j++) {
        page.add(sorted[j]);
      }
    }
    return page;
  }

  private static int bucketOf(ContentHash hash) {
    return hash.prefix(BUCKET_BITS);
  }
}
