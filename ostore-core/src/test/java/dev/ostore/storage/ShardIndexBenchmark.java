package dev.ostore.storage;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The lookup every store of a shard makes in its data server's index: of a shard not held (new
 * content, the common case) and of one held, in {@link ShardIndex} and, as the baseline, in one
 * skip list of all the shards. Queries cycle through 65,536 ids, so that few of them are in the
 * CPU's caches, as in a store that serves many contents. And what a listing pays for the hash
 * sets: a page of 1,000 shards after a random one. Not a test: surefire never runs it.
 *
 * <pre>{@code
 * mvn -q -o -pl ostore-core test-compile
 * mvn -q -o -pl ostore-core dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=/tmp/ostore-core.cp
 * CP=ostore-core/target/test-classes:ostore-core/target/classes:$(cat /tmp/ostore-core.cp)
 * java -cp "$CP" org.openjdk.jmh.Main ShardIndexBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s
 * }</pre>
 */
@Fork(value = 1, jvmArgs = "-Xmx2g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ShardIndexBenchmark {
  private static final int QUERIES = 1 << 16;
  private static final int PAGE = 1000;

  @Param({"43000", "1000000"})
  int shards;

  private final ShardIndex index = new ShardIndex();
  private final ConcurrentSkipListSet<ShardId> oneList = new ConcurrentSkipListSet<>();
  private final ShardId[] absent = new ShardId[QUERIES];
  private final ShardId[] held = new ShardId[QUERIES];
  private int next;

  @Setup
  public void fill() {
    Random random = new Random(1);
    List<ShardId> ids = new ArrayList<>(shards);
    for (int i = 0; i < shards; i++) {
      ids.add(randomId(random));
    }
    // Shuffled as the ids came, so that nodes lie in the heap in no order of theirs.
    ids.forEach(index::add);
    ids.forEach(oneList::add);
    for (int i = 0; i < QUERIES; i++) {
      absent[i] = randomId(random);
      held[i] = ids.get(random.nextInt(shards));
    }
  }

  @Benchmark
  public boolean absentInShardIndex() {
    return index.contains(absent[next++ & (QUERIES - 1)]);
  }

  @Benchmark
  public boolean absentInOneSkipList() {
    return oneList.contains(absent[next++ & (QUERIES - 1)]);
  }

  @Benchmark
  public boolean heldInShardIndex() {
    return index.contains(held[next++ & (QUERIES - 1)]);
  }

  @Benchmark
  public boolean heldInOneSkipList() {
    return oneList.contains(held[next++ & (QUERIES - 1)]);
  }

  @Benchmark
  public List<ShardId> pageInShardIndex() {
    return index.list(Optional.of(absent[next++ & (QUERIES - 1)]), PAGE);
  }

  @Benchmark
  public List<ShardId> pageInOneSkipList() {
    List<ShardId> page = new ArrayList<>(PAGE);
    for (ShardId id : oneList.tailSet(absent[next++ & (QUERIES - 1)], false)) {
      if (page.size() == PAGE) {
        break;
      }
      page.add(id);
    }
    return page;
  }

  private static ShardId randomId(Random random) {
    byte[] hash = new byte[32];
    random.nextBytes(hash);
    return new ShardId(ContentHash.of(hash), random.nextInt(3));
  }
}
