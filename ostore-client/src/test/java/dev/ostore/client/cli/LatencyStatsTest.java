package dev.ostore.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {
  @Test
  void nearestRankOfAHundredSamplesIsTheSampleOfThatRank() {
    long[] sorted = LongStream.rangeClosed(1, 100).toArray();
    assertEquals(50, LatencyStats.percentile(sorted, 50));
    assertEquals(90, LatencyStats.percentile(sorted, 90));
    assertEquals(99, LatencyStats.percentile(sorted, 99));
    assertEquals(100, LatencyStats.percentile(sorted, 100));
    assertEquals(1, LatencyStats.percentile(sorted, 1));
  }

  @Test
  void nearestRankRoundsTheRankUp() {
    long[] sorted = LongStream.rangeClosed(1, 10).toArray();
    assertEquals(5, LatencyStats.percentile(sorted, 50));
    assertEquals(9, LatencyStats.percentile(sorted, 90));
    assertEquals(10, LatencyStats.percentile(sorted, 99));
    assertEquals(7, LatencyStats.percentile(new long[] {7}, 1));
  }

  @Test
  void statsSortTheSamplesAndGiveMilliseconds() {
    LatencyStats stats = LatencyStats.of(new long[] {3_000_000, 1_000_000, 2_000_000, 4_500_000});
    assertEquals(new LatencyStats(4, 2.0, 4.5, 4.5, 4.5), stats);
  }

  @Test
  void noSamplesGiveNaN() {
    LatencyStats stats = LatencyStats.of(new long[0]);
    assertEquals(0, stats.samples());
    assertTrue(Double.isNaN(stats.p50Ms()) && Double.isNaN(stats.maxMs()));
  }

  @Test
  void percentOutsideOneToHundredIsRefused() {
    long[] sorted = {1, 2};
    assertThrows(IllegalArgumentException.class, () -> LatencyStats.percentile(sorted, 0));
    assertThrows(IllegalArgumentException.class, () -> LatencyStats.percentile(sorted, 101));
    assertThrows(IllegalArgumentException.class, () -> LatencyStats.percentile(new long[0], 50));
  }
}
