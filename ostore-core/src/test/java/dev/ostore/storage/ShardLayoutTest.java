package dev.ostore.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShardLayoutTest {
  @ParameterizedTest
  @CsvSource({
      // k, m, chunk, object size, blocks, last block, shard length, full stripes
      "4, 2, 100, 0, 0, -1, 0, 0",
      "4, 2, 100, 1, 1, 1, 1, 0",
      "4, 2, 100, 397, 1, 100, 100, 0",
      "4, 2, 100, 400, 1, 100, 100, 1",
      "4, 2, 100, 401, 2, 1, 101, 1",
      "4, 2, 100, 403, 2, 1, 101, 1",
      "4, 2, 100, 405, 2, 2, 102, 1",
      "4, 2, 100, 1000, 3, 50, 250, 2",
      "1, 0, 65536, 70000, 2, 4464, 70000, 1",
  })
  void cutsAnObjectIntoBlocks(int k, int m, int chunk, long size, long blocks, int last,
      long length, long fullStripes) {
    ShardLayout layout = new ShardLayout(k, m, chunk, size);
    assertEquals(blocks, layout.blockCount());
    assertEquals(fullStripes, layout.fullStripes());
    assertEquals(length, layout.shardLength());
    if (blocks > 0) {
      assertEquals(last, layout.blockLength(blocks - 1));
      assertEquals(length, layout.rangeLength(0, blocks));
    }
    // Every byte of the object fits in the k data shards, with less than k bytes to spare.
    long capacity = k * length;
    assertEquals(true, capacity >= size && capacity - size < (long) k * Math.max(1, blocks));
  }

  @Test
  void everyBlockButTheLastIsAWholeChunk() {
    ShardLayout layout = new ShardLayout(4, 2, 100, 1000);
    assertEquals(100, layout.blockLength(0));
    assertEquals(100, layout.blockLength(1));
    assertEquals(200, layout.rangeLength(0, 2));
    assertEquals(150, layout.rangeLength(1, 3));
    assertEquals(0, layout.rangeLength(2, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> layout.blockLength(3));
    assertThrows(IndexOutOfBoundsException.class, () -> layout.rangeLength(0, 4));
  }

  @Test
  void textRoundTrips() {
    ShardLayout layout = new ShardLayout(10, 4, 65536, 12345);
    assertEquals("10+4/65536", layout.layoutText());
    assertEquals(layout, ShardLayout.parse("10+4/65536", 12345));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "4+2", "4/65536", "0+2/100", "4+2/0", "200+56/100", "4+2/16777217",
      "04+2/100", "4+-1/100", "4 + 2/100"})
  void badLayoutsAreRefused(String text) {
    assertThrows(IllegalArgumentException.class, () -> ShardLayout.parse(text, 10));
  }

  @Test
  void aNegativeSizeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ShardLayout(4, 2, 100, -1));
  }
}
