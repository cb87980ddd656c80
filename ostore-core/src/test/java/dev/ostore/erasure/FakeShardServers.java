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
 * filling the first k shards it has (data first) as a real source would, copying them or, once
 * {@link #lending}, lending them. As a sink it copies the chunks or, once {@link #swapping}, keeps
 * them.
 */
final class FakeShardServers implements StripeSink, StripeSource {
  private final int dataShards;
  /** stripes.get(s)[i]: shard i's chunk of stripe s, exactly as long as the stripe's chunks. */
  private final List<byte[][]> stripes = new ArrayList<>();
  private LongFunction<Set<Integer>> lost = stripe -> Set.of();
  private boolean throwWhenShort = true;
  private boolean lends;
  private boolean swaps;
  /** The chunks the last read lent: each in an array of its own, at an offset past 0. */
  private final List<Lent> lent = new ArrayList<>();

  private record Lent(byte[] array, int offset, byte[] chunk) {}

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

  /**
   * A source that lends its chunks ({@link StripeSource#lend}), and at its next read first fails
   * if the reader wrote to one, then scribbles over them all, as a real source reuses its buffers.
   */
  FakeShardServers lending() {
    this.lends = true;
    return this;
  }

  /**
   * A sink that keeps the whole chunks it is given and puts arrays of its own in their place,
   * full of other bytes, as {@link StripeSink} allows.
   */
  FakeShardServers swapping() {
    this.swaps = true;
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
      if (swaps && chunks[i].length == length) {
        copy[i] = chunks[i];
        chunks[i] = new byte[length];
        Arrays.fill(chunks[i], (byte) 0x5a);
      } else {
        copy[i] = Arrays.copyOf(chunks[i], length);
      }
    }
    stripes.add(copy);
  }

  @Override
  public void read(long stripe, int length, byte[][] chunks, boolean[] present)
      throws IOException {
    fill(stripe, length, present, (i, chunk) -> System.arraycopy(chunk, 0, chunks[i], 0, length));
  }

  @Override
  public void lend(long stripe, int length, byte[][] chunks, int[] offsets, boolean[] present,
      boolean[] wanted) throws IOException {
    if (!lends) {
      StripeSource.super.lend(stripe, length, chunks, offsets, present, wanted);
      return;
    }
    for (Lent chunk : lent) {
      if (!Arrays.equals(chunk.array(), chunk.offset(), chunk.offset() + chunk.chunk().length,
          chunk.chunk(), 0, chunk.chunk().length)) {
        throw new AssertionError("the reader wrote to a chunk lent to it");
      }
      Arrays.fill(chunk.array(), (byte) 0x5a);
    }
    lent.clear();
    int offset = 1 + (int) (stripe % 7);
    fill(stripe, length, present, (i, chunk) -> {
      byte[] array = new byte[offset + length + 3];
      System.arraycopy(chunk, 0, array, offset, length);
      lent.add(new Lent(array, offset, chunk));
      chunks[i] = array;
      offsets[i] = offset;
    });
  }

  private interface Put {
    void put(int index, byte[] chunk);
  }

  /** Puts the first k chunks of the stripe that are not lost, data first. */
  private void fill(long stripe, int length, boolean[] present, Put put) throws IOException {
    byte[][] stored = stripes.get((int) stripe);
    if (stored[0].length != length) {
      throw new AssertionError("stripe " + stripe + " has chunks of " + stored[0].length
          + " bytes, decoder asked for " + length);
    }
    Set<Integer> missing = new HashSet<>(lost.apply(stripe));
    int filled = 0;
    for (int i = 0; i < stored.length && filled < dataShards; i++) {
      if (!missing.contains(i)) {
        put.put(i, stored[i]);
        present[i] = true;
        filled++;
      }
    }
    if (filled < dataShards && throwWhenShort) {
      throw new IOException("stripe " + stripe + ": only " + filled + " shards reachable");
    }
  }
}
