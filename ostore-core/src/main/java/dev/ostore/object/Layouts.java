package dev.ostore.object;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.ostore.erasure.Striping;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the store lays out new content: content of {@code smallBelow} bytes or more is striped as
 * {@code large} (by default 4 data and 2 parity shards of 64 KiB chunks), smaller content as
 * {@code small} (by default 1 data and 2 parity shards, which Reed-Solomon makes three whole
 * copies: one request to read, the same two-server tolerance). A PUT is acknowledged once {@code
 * k + extraCommits} shards of its layout are durable, {@code k + 1} by default: one server more
 * than reading needs, so that an acknowledged object stays readable when any one of its servers
 * dies before repair has put the missing shards back. Content below {@code inlineBelow} bytes (and
 * below {@code smallBelow}) is kept in the metadata store instead, in the transaction that records
 * its version: no data server is asked, and the one commit makes it durable.
 */
public record Layouts(Striping large, Striping small, long smallBelow, int extraCommits,
    long inlineBelow) {
  /** 64 KiB chunks: a 1 GiB object is 4,096 stripes, a stripe 256 KiB of memory per request. */
  public static final int CHUNK_SIZE = 64 * 1024;
  private static final Pattern CODE = Pattern.compile("([0-9]{1,3})\\+([0-9]{1,3})");
  /** Content kept in the metadata store unless told otherwise: below 16 KiB. */
  public static final long INLINE_BELOW = 16 * 1024;
  public static final Layouts DEFAULT = new Layouts(new Striping(4, 2, CHUNK_SIZE),
      new Striping(1, 2, CHUNK_SIZE), 64 * 1024, 1, INLINE_BELOW);

  public Layouts {
    requireNonNull(large, "large");
    requireNonNull(small, "small");
    checkArgument(smallBelow >= 0, "the small-object limit must not be negative: %s", smallBelow);
    checkArgument(extraCommits >= 0, "extra commits must not be negative: %s", extraCommits);
    checkArgument(inlineBelow >= 0, "the inline limit must not be negative: %s", inlineBelow);
  }

  /** These layouts with content below {@code limit} bytes kept inline (none for 0). */
  public Layouts withInlineBelow(long limit) {
    return new Layouts(large, small, smallBelow, extraCommits, limit);
  }

  /**
   * Whether content of {@code size} bytes is kept in the metadata store: only content held
   * whole in memory (below {@code smallBelow}) can be.
   */
  public boolean inline(long size) {
    return size < inlineBelow && size < smallBelow;
  }

  /**
   * Layouts for a store of {@code servers} data servers, for stores too small for 4+2: two parity
   * shards and as many data shards as the rest of the servers allow (1+2, three copies, for
   * three servers; 3+2 for five), so that any two servers may still be lost; two servers keep two
   * copies, one server one.
   */
  public static Layouts forServers(int servers) {
    checkArgument(servers >= 1, "a store needs a data server: %s", servers);
    if (servers >= DEFAULT.large.totalShards()) {
      return DEFAULT;
    }
    int parity = Math.min(2, servers - 1);
    Striping large = new Striping(Math.max(1, servers - 2), parity, CHUNK_SIZE);
    return new Layouts(large, new Striping(1, parity, CHUNK_SIZE), DEFAULT.smallBelow, 1,
        INLINE_BELOW);
  }

  /**
   * Layouts striping large content as {@code code} ("k+m"), copying content below {@code
   * smallBelow} bytes to {@code 1 + m} servers, and acknowledging a PUT once {@code writeQuorum}
   * shards are durable ({@code k + 1}, but at most {@code k + m}, when empty).
   */
  public static Layouts of(String code, long smallBelow, OptionalInt writeQuorum) {
    Matcher matcher = CODE.matcher(code);
    checkArgument(matcher.matches(), "an erasure code is k+m, such as 4+2: %s", code);
    int k = Integer.parseInt(matcher.group(1));
    int m = Integer.parseInt(matcher.group(2));
    Striping large = new Striping(k, m, CHUNK_SIZE);
    int quorum = writeQuorum.orElse(Math.min(k + 1, k + m));
    checkArgument(quorum >= k && quorum <= k + m,
        "the write quorum of %s must be from %s to %s shards: %s", code, k, k + m, quorum);
    return new Layouts(large, new Striping(1, m, CHUNK_SIZE), smallBelow, quorum - k,
        INLINE_BELOW);
  }

  /** The layout of content of {@code size} bytes. */
  public Striping of(long size) {
    return size < smallBelow ? small : large;
  }

  /** How many of {@code striping}'s shards must be durable before a PUT is acknowledged. */
  public int quorum(Striping striping) {
    return Math.min(striping.dataShards() + extraCommits, striping.totalShards());
  }

  /** The most data servers a write may need live: the quorum of the larger layout. */
  public int serversNeeded() {
    return Math.max(quorum(large), quorum(small));
  }
}
