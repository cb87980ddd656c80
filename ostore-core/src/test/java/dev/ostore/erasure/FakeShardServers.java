package dev.ostore.erasure;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Stands in for the object layer in tests: a sink that keeps a copy of every stripe's chunks, and
 * a source that serves them back with the shards {@code lost} names for each stripe missing,
 * filling the first k shards it has (data first) as a real source would.
 */
final class FakeShardServers implements StripeSink, StripeSource {
  private final int dataShards;
  /** stripes.get(s)[i]: shard i's chunk of stripe s, exactly as long as the stripe's chunks. */
  private final List<byte[][]> stripes = new ArrayList<>();
  private LongFunction<Set<Integer>> lost = stripe -> Set.of();
  private boolean throwWhenShort = true;

  FakeShardServers(int dataShards) {
    this.dataShards = dataShards;
  }

  /** Which shards the source cannot serve, per stripe. */
  FakeShardServers losing(LongFunction<Set<Integer>> lostPerStripe) {
    this.lost = lostPerStripe;
    return this;
  }

  /** A source that breaks its contract: returns with fewer than k filled instead of throwing. */
  FakeShardServers returningShort() {
    this.throwWhenShort = false;
    return this;
  }

  List<byte[][]> stripes() {
    return stripes;
  }

  @Override
  public void write(long stripe, byte[][] chunks, int length) throws IOException {
    if (stripe != stripes.size()) {
      throw new AssertionError("stripe " + stripe + " arrived after " + stripes.size());
    }
    byte[][] copy = new byte[chunks.length][];
    for (int i = 0; i < chunks.length; i++) {
      copy[i] = Arrays.copyOf(chunks[i], length);
    }
    stripes.add(copy);
  }

  @Override
  public void read(long stripe, int length, byte[][] chunks, boolean[] present)
      throws IOException {
    byte[][] stored = stripes.get((int) stripe);
    if (stored[0].length != length) {
      throw new AssertionError("stripe " + stripe + " has chunks of " + stored[0].length
          + " bytes, decoder asked for " + length);
    }
    Set<Integer> missing = new HashSet<>(lost.apply(stripe));
    int filled = 0;
    for (int i = 0; i < stored.length && filled < dataShards; i++) {
      if (!missing.contains(i)) {
        System.arraycopy(stored[i], 0, chunks[i], 0, length);
        present[i] = true;
        filled++;
      }
    }
    if (filled < dataShards && throwWhenShort) {
      throw new IOException("stripe " + stripe + ": only " + filled + " shards reachable");
    }
  }
}
