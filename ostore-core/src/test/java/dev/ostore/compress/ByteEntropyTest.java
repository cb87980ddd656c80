package dev.ostore.compress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ByteEntropyTest {
  private static final int BLOCK = 64 * 1024;

  @Test
  void randomAndCompressedBytesAreIncompressibleTextIsNot() {
    assertTrue(ByteEntropy.incompressible(Corpus.RANDOM.make(BLOCK), 0, BLOCK, 64));
    assertTrue(ByteEntropy.incompressible(Corpus.GZIP.make(8 * BLOCK), 7 * BLOCK, BLOCK, 64));
    for (Corpus text : new Corpus[] {Corpus.JSON, Corpus.LOG, Corpus.TEXT}) {
      assertFalse(ByteEntropy.incompressible(text.make(BLOCK), 0, BLOCK, 64), text.name());
    }
  }

  @Test
  void theThresholdFollowsTheSavingAskedFor() {
    // Random bytes with one value in 16 replaced by zero: about 7.7 bits a byte. Huffman coding
    // can save 1/64 of that, not 1/16.
    byte[] block = Corpus.RANDOM.make(BLOCK);
    for (int i = 0; i < BLOCK; i += 16) {
      block[i] = 0;
    }
    assertFalse(ByteEntropy.incompressible(block, 0, BLOCK, 64));
    assertTrue(ByteEntropy.incompressible(block, 0, BLOCK, 16));
  }

  @Test
  void blocksShorterThan4KibAreAlwaysTried() {
    byte[] random = Corpus.RANDOM.make(BLOCK);
    assertFalse(ByteEntropy.incompressible(random, 0, ByteEntropy.MIN_LENGTH - 1, 64));
    assertTrue(ByteEntropy.incompressible(random, 5, ByteEntropy.MIN_LENGTH, 64));
  }

  @Test
  void repeatsOfHighEntropyBytesAreTheKnownBlindSpot() {
    // 0, 1, ..., 255 over and over: every value equally often, so it looks random, although
    // deflate would shrink it to almost nothing. Compressed, encrypted and random data never
    // repeat like this; such an object is stored as is.
    byte[] block = new byte[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      block[i] = (byte) i;
    }
    assertTrue(ByteEntropy.incompressible(block, 0, BLOCK, 64));
  }
}
