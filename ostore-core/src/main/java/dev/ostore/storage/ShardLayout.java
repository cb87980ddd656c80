package dev.ostore.storage;

import dev.ostore.erasure.Striping;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an object of {@code objectSize} bytes is cut into shards, as a shard file's header records
 * it and the {@code Shard-Layout} header sends it ({@code "4+2/65536"}, with the size apart).
 * The object is cut into stripes of {@code dataShards} chunks of {@code chunkSize} bytes; every
 * shard holds one block per stripe, so all shards of an object have the same length. A whole
 * copy of an object is the layout {@code 1+0}.
 */
public record ShardLayout(int dataShards, int parityShards, int chunkSize, long objectSize) {
  /**
   * The largest chunk taken: a data server holds one block in memory per upload, and this bounds
   * what a client's header can make it allocate.
   */
  public static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;

  private static final Pattern TEXT =
      Pattern.compile("([1-9][0-9]{0,2})\\+(0|[1-9][0-9]{0,2})/([1-9][0-9]{0,8})");

  public ShardLayout {
    if (dataShards < 1 || parityShards < 0 || dataShards + parityShards > 255) {
      throw new IllegalArgumentException("a layout has 1 to 255 shards, at least one of data, not "
          + dataShards + "+" + parityShards);
    }
    if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException(
          "chunk size " + chunkSize + " is outside 1 to " + MAX_CHUNK_SIZE);
    }
    if (objectSize < 0) {
      throw new IllegalArgumentException("object size " + objectSize + " is negative");
    }
  }

  /** Reads {@code "k+m/chunkSize"}; anything else is an IllegalArgumentException. */
  public static ShardLayout parse(String layoutText, long objectSize) {
    Matcher m = TEXT.matcher(layoutText == null ? "" : layoutText);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a shard layout (k+m/chunkSize): " + layoutText);
    }
    return new ShardLayout(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)), objectSize);
  }

  /** {@code "k+m/chunkSize"}, the form {@link #parse} reads. */
  public String layoutText() {
    return striping().toString();
  }

  /** How many shards an object has in all. */
  public int shardCount() {
    return dataShards + parityShards;
  }

  /** How the object is cut, whatever its size: the arithmetic lives there. */
  public Striping striping() {
    return new Striping(dataShards, parityShards, chunkSize);
  }

  /** The layout of an object of {@code objectSize} bytes cut as {@code striping} says. */
  public static ShardLayout of(Striping striping, long objectSize) {
    return new ShardLayout(striping.dataShards(), striping.parityShards(), striping.chunkSize(),
        objectSize);
  }

  /** Bytes of one stripe of the object. */
  public long stripeSize() {
    return striping().stripeSize();
  }

  /** The number of blocks in each shard, which is the number of stripes; 0 for an empty object. */
  public long blockCount() {
    return striping().stripeCount(objectSize);
  }

  /**
   * The stripes of {@link #stripeSize} bytes, all but a short last one: blocks {@code [0,
   * fullStripes())} of every shard are whole chunks of the object. A short last stripe's blocks
   * may be {@code chunkSize} bytes long too, but end in padding.
   */
  public long fullStripes() {
    return objectSize / stripeSize();
  }

  /** The bytes of each shard: full chunks for every stripe but the last. */
  public long shardLength() {
    return striping().shardLength(objectSize);
  }

  /**
   * The bytes of block {@code b}: {@code chunkSize} but for the last, which holds the last
   * stripe's {@code r} bytes spread over the data shards, {@code ceil(r / dataShards)} each.
   */
  public int blockLength(long b) {
    long blocks = blockCount();
    if (b < 0 || b >= blocks) {
      throw new IndexOutOfBoundsException("block " + b + " of " + blocks);
    }
    return striping().chunkLength(objectSize, b);
  }

  /** The bytes of blocks {@code [from, to)}: what a ranged read of them sends. */
  public long rangeLength(long from, long to) {
    long blocks = blockCount();
    if (from < 0 || to > blocks || from > to) {
      throw new IndexOutOfBoundsException("blocks [" + from + ", " + to + ") of " + blocks);
    }
    if (from == to) {
      return 0;
    }
    return (to - 1 - from) * chunkSize + blockLength(to - 1);
  }

  @Override
  public String toString() {
    return layoutText() + " of " + objectSize + " bytes";
  }
}
