package dev.ostore;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * One shard of one content, written {@code "<64 hex>.<index>"}: the name of its file on a data
 * server and of its URL. Only the canonical text parses (lowercase hex, an index without leading
 * zeros), so that one shard has exactly one name. Ordered by hash, then index, the order in
 * which data servers list their shards.
 */
public record ShardId(ContentHash hash, int index) implements Comparable<ShardId> {
  /** One more than the highest index: a content has at most 255 shards. */
  public static final int MAX_SHARDS = 255;

  private static final Pattern TEXT = Pattern.compile("[0-9a-f]{64}\\.(0|[1-9][0-9]{0,2})");

  public ShardId {
    requireNonNull(hash, "hash");
    if (index < 0 || index >= MAX_SHARDS) {
      throw new IllegalArgumentException(
          "shard index " + index + " is outside 0 to " + (MAX_SHARDS - 1));
    }
  }

  /** Reads {@code "<64 lowercase hex>.<index>"}; anything else is an IllegalArgumentException. */
  public static ShardId parse(String text) {
    if (text == null || !TEXT.matcher(text).matches()) {
      throw new IllegalArgumentException("not a shard id (<64 lowercase hex>.<index>): " + text);
    }
    int dot = text.indexOf('.');
    return new ShardId(ContentHash.parse(text.substring(0, dot)),
        Integer.parseInt(text.substring(dot + 1)));
  }

  @Override
  public int compareTo(ShardId other) {
    // ContentHash sorts as its hex does, without making the strings. Written out rather than
    // composed from Comparators: a data server's index compares shard ids on every store.
    int order = hash.compareTo(other.hash);
    return order != 0 ? order : Integer.compare(index, other.index);
  }

  @Override
  public String toString() {
    return hash.hex() + "." + index;
  }
}
