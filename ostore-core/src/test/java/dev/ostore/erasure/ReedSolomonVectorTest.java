package dev.ostore.erasure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The codec against the shards klauspost/reedsolomon made (resources/erasure, see its README):
 * same parity byte for byte, and every data shard back from any k shards.
 */
class ReedSolomonVectorTest {
  private static final int[][] SCHEMES = {{4, 2}, {6, 3}, {10, 4}};
  private static final int[] LENGTHS = {1, 3, 4, 5, 1000, 4096, 32000, 65537, 262147};
  /** Loss patterns tried per vector when there are more than this many. */
  private static final int SAMPLED_PATTERNS = 40;

  static Stream<Arguments> vectors() {
    List<Arguments> all = new ArrayList<>();
    for (int[] scheme : SCHEMES) {
      for (int length : LENGTHS) {
        all.add(Arguments.of(scheme[0], scheme[1], length));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}+{1}, {2} bytes")
  @MethodSource("vectors")
  void testEncode_parityEqualsReference(int k, int m, int length) {
    byte[][] shards = dataShards(k, m, length);
    ErasureCode.reedSolomon(k, m).encode(shards, 0, shards[0].length);
    for (int p = k; p < k + m; p++) {
      assertArrayEquals(referenceShard(k, m, length, p), shards[p], "parity shard " + p);
    }
  }

  @ParameterizedTest(name = "{0}+{1}, {2} bytes")
  @MethodSource("vectors")
  void testReconstruct_fromAnyKShards_givesEveryShardBack(int k, int m, int length) {
    ErasureCode code = ErasureCode.reedSolomon(k, m);
    byte[][] expected = dataShards(k, m, length);
    for (int p = k; p < k + m; p++) {
      expected[p] = referenceShard(k, m, length, p);
    }
    List<boolean[]> patterns = lossPatterns(k, m);
    for (boolean[] present : patterns) {
      byte[][] shards = new byte[k + m][];
      for (int i = 0; i < k + m; i++) {
        // A lost shard holds garbage, as a reused buffer would.
        shards[i] = present[i] ? expected[i].clone() : garbage(expected[i].length, i);
      }
      code.reconstruct(shards, present, 0, shards[0].length);
      for (int i = 0; i < k + m; i++) {
        assertArrayEquals(expected[i], shards[i],
            "shard " + i + " with present " + Arrays.toString(present));
      }
    }
  }

  /** All C(k+m, m) patterns of exactly k present shards, or a seeded sample of them. */
  private static List<boolean[]> lossPatterns(int k, int m) {
    List<boolean[]> all = new ArrayList<>();
    for (int mask = 0; mask < 1 << (k + m); mask++) {
      if (Integer.bitCount(mask) == k) {
        boolean[] present = new boolean[k + m];
        for (int i = 0; i < k + m; i++) {
          present[i] = (mask & (1 << i)) != 0;
        }
        all.add(present);
      }
    }
    if (all.size() > SAMPLED_PATTERNS) {
      Collections.shuffle(all, new Random(k * 1000 + m));
      return all.subList(0, SAMPLED_PATTERNS);
    }
    return all;
  }

  @Test
  void testLossPatterns_fourPlusTwo_areAllFifteenPairs() {
    assertEquals(15, lossPatterns(4, 2).size());
  }

  /** The README's data (SHA-256 in counter mode) cut into k shards of ceil(n/k), zero-padded. */
  static byte[][] dataShards(int k, int m, int length) {
    byte[] data = vectorData(length);
    int shardLength = (length + k - 1) / k;
    byte[][] shards = new byte[k + m][shardLength];
    for (int i = 0; i < k; i++) {
      int from = Math.min(length, i * shardLength);
      int to = Math.min(length, from + shardLength);
      System.arraycopy(data, from, shards[i], 0, to - from);
    }
    return shards;
  }

  static byte[] vectorData(int length) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] data = new byte[length];
      for (int i = 0, at = 0; at < length; i++, at += 32) {
        byte[] block = sha256.digest(
            ("ostore-rs-" + length + "-" + i).getBytes(StandardCharsets.US_ASCII));
        System.arraycopy(block, 0, data, at, Math.min(32, length - at));
      }
      return data;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] referenceShard(int k, int m, int length, int index) {
    String name = "/erasure/rs-" + k + "+" + m + "/len-" + length + "/shard-" + index;
    try (InputStream in = ReedSolomonVectorTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new AssertionError("missing test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] garbage(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
