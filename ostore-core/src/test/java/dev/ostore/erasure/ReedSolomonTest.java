package dev.ostore.erasure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The codec's contract beyond the reference vectors: ranges, arguments, the decoder cache. */
class ReedSolomonTest {
  @Test
  void testFactory_validatesShardCounts() {
    assertThrows(IllegalArgumentException.class, () -> ErasureCode.reedSolomon(0, 2));
    assertThrows(IllegalArgumentException.class, () -> ErasureCode.reedSolomon(4, -1));
    assertThrows(IllegalArgumentException.class, () -> ErasureCode.reedSolomon(200, 56));
    ErasureCode widest = ErasureCode.reedSolomon(200, 55);
    assertEquals(255, widest.totalShards());
    assertEquals(200, widest.dataShards());
    assertEquals(55, widest.parityShards());
  }

  @Test
  void testEncodeAndReconstruct_touchOnlyTheirRange() {
    ErasureCode code = ErasureCode.reedSolomon(4, 2);
    byte[][] shards = randomShards(6, 100, 1);
    byte[][] before = copy(shards);
    code.encode(shards, 10, 50);
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 100; j++) {
        if (i < 4 || j < 10 || j >= 60) {
          assertEquals(before[i][j], shards[i][j], "shard " + i + " byte " + j);
        }
      }
    }
    byte[][] encoded = copy(shards);
    boolean[] present = {false, true, true, false, true, true};
    shards[0] = new byte[100];
    shards[3] = new byte[100];
    code.reconstruct(shards, present, 10, 50);
    for (int i : new int[] {0, 3}) {
      for (int j = 0; j < 100; j++) {
        assertEquals(j >= 10 && j < 60 ? encoded[i][j] : 0, shards[i][j], "shard " + i + " " + j);
      }
    }
  }

  @Test
  void testReconstructData_leavesLostParityAlone() {
    ErasureCode code = ErasureCode.reedSolomon(4, 2);
    byte[][] shards = randomShards(6, 64, 2);
    code.encode(shards, 0, 64);
    byte[][] encoded = copy(shards);
    shards[2] = new byte[64];
    shards[5] = new byte[64];
    code.reconstructData(shards, new boolean[] {true, true, false, true, true, false}, 0, 64);
    assertArrayEquals(encoded[2], shards[2]);
    assertArrayEquals(new byte[64], shards[5]);
  }

  @Test
  void testReconstruct_fewerThanKPresent_isRejected() {
    ErasureCode code = ErasureCode.reedSolomon(4, 2);
    byte[][] shards = randomShards(6, 8, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> code.reconstruct(shards, new boolean[] {true, false, true, false, true, false}, 0, 8));
    assertTrue(e.getMessage().contains("need 4"), e.getMessage());
  }

  @Test
  void testWrongShapes_areRejected() {
    ErasureCode code = ErasureCode.reedSolomon(4, 2);
    assertThrows(IllegalArgumentException.class, () -> code.encode(randomShards(5, 8, 4), 0, 8));
    assertThrows(IndexOutOfBoundsException.class,
        () -> code.encode(randomShards(6, 8, 4), 4, 5));
    assertThrows(IllegalArgumentException.class,
        () -> code.reconstruct(randomShards(6, 8, 4), new boolean[5], 0, 8));
  }

  @Test
  void testNoParity_encodesNothing_andReconstructsNothing() {
    ErasureCode code = ErasureCode.reedSolomon(3, 0);
    byte[][] shards = randomShards(3, 16, 5);
    byte[][] before = copy(shards);
    code.encode(shards, 0, 16);
    code.reconstruct(shards, new boolean[] {true, true, true}, 0, 16);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(before[i], shards[i]);
    }
  }

  @Test
  void testDecoderCache_staysBounded_andStaysCorrectAfterEviction() {
    ReedSolomon code = new ReedSolomon(10, 4);
    byte[][] encoded = randomShards(14, 32, 6);
    code.encode(encoded, 0, 32);
    int patterns = 0;
    // Every way of losing two data shards and two parity (45 * 6) passes the bound of 64 twice.
    for (int round = 0; round < 2; round++) {
      for (int a = 0; a < 10; a++) {
        for (int b = a + 1; b < 10; b++) {
          for (int p = 10; p < 14; p++) {
            for (int q = p + 1; q < 14; q++) {
              boolean[] present = new boolean[14];
              Arrays.fill(present, true);
              present[a] = present[b] = present[p] = present[q] = false;
              byte[][] shards = copy(encoded);
              shards[a] = new byte[32];
              shards[b] = new byte[32];
              code.reconstructData(shards, present, 0, 32);
              assertArrayEquals(encoded[a], shards[a]);
              assertArrayEquals(encoded[b], shards[b]);
              assertTrue(code.cachedDecoders() <= ReedSolomon.DECODER_CACHE_SIZE);
              patterns++;
            }
          }
        }
      }
    }
    assertEquals(540, patterns);
  }

  private static byte[][] randomShards(int count, int length, long seed) {
    Random random = new Random(seed);
    byte[][] shards = new byte[count][length];
    for (byte[] shard : shards) {
      random.nextBytes(shard);
    }
    return shards;
  }

  private static byte[][] copy(byte[][] shards) {
    byte[][] copy = new byte[shards.length][];
    for (int i = 0; i < shards.length; i++) {
      copy[i] = shards[i].clone();
    }
    return copy;
  }
}
