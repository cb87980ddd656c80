package dev.ostore.erasure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StripingTest {
  private static final String[] STRIPINGS = {"1+0/1", "1+2/5", "4+2/3", "4+2/65536", "6+3/1000",
      "10+4/7", "3+0/4096"};

  /** The sizes where off-by-one errors live, then seeded random ones up to five stripes. */
  private static LongStream interestingSizes(Striping s) {
    TreeSet<Long> sizes = new TreeSet<>();
    long k = s.dataShards();
    long chunk = s.chunkSize();
    for (long base : new long[] {0, 1, k - 1, k, k + 1, chunk, k * chunk}) {
      for (long multiple = 1; multiple <= 3; multiple++) {
        for (long delta = -1; delta <= 1; delta++) {
          sizes.add(Math.max(0, base * multiple + delta));
          sizes.add(Math.max(0, s.stripeSize() * multiple + base + delta));
        }
      }
    }
    Random random = new Random(s.hashCode());
    for (int i = 0; i < 200; i++) {
      sizes.add((long) random.nextInt((int) Math.min(Integer.MAX_VALUE, 5 * s.stripeSize() + 1)));
    }
    return sizes.stream().mapToLong(Long::longValue);
  }

  @Test
  void testStripes_tileTheObject_andChunksHoldTheirStripe() {
    for (String text : STRIPINGS) {
      Striping s = Striping.parse(text);
      interestingSizes(s).forEach(size -> {
        String where = text + ", " + size + " bytes";
        long covered = 0;
        long shard = 0;
        for (long stripe = 0; stripe < s.stripeCount(size); stripe++) {
          int length = s.stripeLength(size, stripe);
          int chunk = s.chunkLength(size, stripe);
          assertEquals(covered, s.stripeStart(stripe), where);
          assertTrue(length >= 1 && length <= s.stripeSize(), where);
          // k chunks hold the stripe, and one chunk fewer per shard would not.
          assertTrue((long) chunk * s.dataShards() >= length, where);
          assertTrue((long) (chunk - 1) * s.dataShards() < length, where);
          if (stripe < s.stripeCount(size) - 1) {
            assertEquals(s.stripeSize(), length, where + ": only the last stripe is short");
            assertEquals(s.chunkSize(), chunk, where);
          }
          covered += length;
          shard += chunk;
        }
        assertEquals(size, covered, where);
        assertEquals(shard, s.shardLength(size), where);
      });
    }
  }

  @Test
  void testEmptyObject_hasNoStripes_andEmptyShards() {
    Striping s = Striping.parse("4+2/65536");
    assertEquals(0, s.stripeCount(0));
    assertEquals(0, s.shardLength(0));
    assertThrows(IllegalArgumentException.class, () -> s.stripeLength(0, 0));
  }

  @Test
  void testSingleStripe_isCutAsTheReferenceVectorsAre() {
    Striping s = Striping.parse("4+2/1048576");
    // klauspost's Split, which made the vectors: ceil(n / k) bytes per shard.
    for (long n : new long[] {1, 3, 4, 5, 1000, 4096, 32000, 65537, 262147}) {
      assertEquals(1, s.stripeCount(n));
      assertEquals((n + 3) / 4, s.chunkLength(n, 0));
      assertEquals((n + 3) / 4, s.shardLength(n));
    }
  }

  @Test
  void testFourPlusTwo_examples() {
    Striping s = new Striping(4, 2, 65536);
    assertEquals(6, s.totalShards());
    assertEquals(262144, s.stripeSize());
    assertEquals(1, s.stripeCount(262144));
    assertEquals(2, s.stripeCount(262145));
    assertEquals(1, s.chunkLength(262145, 1));
    assertEquals(65537, s.shardLength(262145));
    assertEquals(262144, s.stripeStart(1));
    assertEquals(7, s.stripeLength(262144 + 7, 1));
  }

  @Test
  void testParse_andToString_roundTrip() {
    for (String text : STRIPINGS) {
      assertEquals(text, Striping.parse(text).toString());
    }
    assertEquals(new Striping(10, 4, 7), Striping.parse("10+4/7"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "4+2", "4+2/", "4/65536", "4+2/65536 ", "-1+2/4", "0+2/4", "4+2/0",
      "200+56/1", "4+2/99999999999", "a+b/c", "4+2/1073741824"})
  void testParse_rejectsMalformedOrInvalid(String text) {
    assertThrows(IllegalArgumentException.class, () -> Striping.parse(text));
  }

  @Test
  void testConstructor_validates() {
    assertThrows(IllegalArgumentException.class, () -> new Striping(0, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> new Striping(4, -1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Striping(250, 6, 1));
    assertThrows(IllegalArgumentException.class, () -> new Striping(4, 2, 0));
    assertEquals(255, new Striping(250, 5, 1).totalShards());
  }

  @Test
  void testOutOfRange_arguments() {
    Striping s = Striping.parse("4+2/3");
    assertThrows(IllegalArgumentException.class, () -> s.stripeCount(-1));
    assertThrows(IllegalArgumentException.class, () -> s.shardLength(-1));
    assertThrows(IllegalArgumentException.class, () -> s.stripeStart(-1));
    assertThrows(IllegalArgumentException.class, () -> s.stripeLength(12, 1));
    assertThrows(IllegalArgumentException.class, () -> s.chunkLength(13, -1));
  }
}
