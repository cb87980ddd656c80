package dev.ostore.compress;

import static dev.ostore.compress.BlockCodec.NOT_SMALLER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GzipBlockCodecTest {
  private static final int BLOCK = 64 * 1024;

  @ParameterizedTest
  @EnumSource(Corpus.class)
  void everyKindOfContentRoundTripsInBlocksOf64KibAnd1Mib(Corpus corpus) throws Exception {
    byte[] content = corpus.make(2 << 20);
    try (BlockCodec writer = BlockCodec.gzip(1); BlockCodec reader = BlockCodec.forId(1)) {
      for (int blockSize : new int[] {BLOCK, 1 << 20}) {
        byte[] stored = new byte[blockSize];
        byte[] restored = new byte[blockSize];
        for (int off = 0; off < content.length; off += blockSize) {
          int n = writer.compress(content, off, blockSize, stored, 0, blockSize - 1);
          if (n != NOT_SMALLER) {
            assertTrue(n < blockSize, corpus + " block at " + off + " took " + n);
            reader.decompress(stored, 0, n, restored, 0, blockSize);
            assertArrayEquals(Arrays.copyOfRange(content, off, off + blockSize), restored);
          }
        }
      }
    }
  }

  @Test
  void textShrinksSeveralTimesAndRandomBytesAreDeclined() {
    try (BlockCodec codec = BlockCodec.gzip(1)) {
      assertTrue(storedBytes(codec, Corpus.JSON.make(1 << 20)) * 3 < 1 << 20);
      assertTrue(storedBytes(codec, Corpus.LOG.make(1 << 20)) * 3 < 1 << 20);
      byte[] random = Corpus.RANDOM.make(BLOCK);
      assertEquals(NOT_SMALLER, codec.compress(random, 0, BLOCK, new byte[BLOCK], 0, BLOCK));
    }
  }

  @Test
  void aHigherLevelStoresTextInFewerBytes() {
    byte[] text = Corpus.TEXT.make(1 << 20);
    try (BlockCodec fast = BlockCodec.gzip(1); BlockCodec small = BlockCodec.gzip(9)) {
      assertTrue(storedBytes(small, text) < storedBytes(fast, text));
    }
  }

  @Test
  void compressWritesNothingPastItsLimit() {
    byte[] random = Corpus.RANDOM.make(BLOCK);
    byte[] json = Corpus.JSON.make(BLOCK);
    try (BlockCodec codec = BlockCodec.gzip(6)) {
      for (byte[] src : new byte[][] {random, json}) {
        byte[] dst = new byte[2 * BLOCK];
        Arrays.fill(dst, (byte) 0x5a);
        int limit = 9_000;
        int n = codec.compress(src, 0, BLOCK, dst, 100, limit);
        assertTrue(n == NOT_SMALLER || n <= limit, "wrote " + n);
        for (int i = 0; i < dst.length; i++) {
          if (i < 100 || i >= 100 + limit) {
            assertEquals((byte) 0x5a, dst[i], "byte " + i + " outside the limit was written");
          }
        }
      }
    }
  }

  @Test
  void emptyAndOneByteBlocksAreNeverCompressed() {
    try (BlockCodec codec = BlockCodec.gzip(1)) {
      assertEquals(NOT_SMALLER, codec.compress(new byte[0], 0, 0, new byte[0], 0, 0));
      assertEquals(NOT_SMALLER, codec.compress(new byte[] {'a'}, 0, 1, new byte[1], 0, 1));
      assertEquals(NOT_SMALLER, codec.compress(new byte[] {'a'}, 0, 1, new byte[1], 0,
          ObjectCompressor.blockLimit(1)));
    }
  }

  @Test
  void blocksAtOffsetsDecodeAloneWithAnotherCodecInstance() throws Exception {
    byte[] content = Corpus.LOG.make(4 * BLOCK + 5000);
    byte[] stored = new byte[5 * BLOCK];
    int[] at = new int[5];
    int[] length = new int[5];
    try (BlockCodec writer = BlockCodec.gzip(1)) {
      int pos = 3;
      for (int b = 0; b < 5; b++) {
        int len = Math.min(BLOCK, content.length - b * BLOCK);
        at[b] = pos;
        length[b] = writer.compress(content, b * BLOCK, len, stored, pos, len - 1);
        pos += length[b];
      }
    }
    // The blocks backwards, each alone: no block depends on the one before it.
    try (BlockCodec reader = BlockCodec.forId(1)) {
      for (int b = 4; b >= 0; b--) {
        int len = Math.min(BLOCK, content.length - b * BLOCK);
        byte[] out = new byte[len + 11];
        reader.decompress(stored, at[b], length[b], out, 11, len);
        assertArrayEquals(Arrays.copyOfRange(content, b * BLOCK, b * BLOCK + len),
            Arrays.copyOfRange(out, 11, 11 + len));
      }
    }
  }

  @Test
  void noSingleBitFlipGoesUnnoticedAndChangesTheContent() throws Exception {
    byte[] text = "GET /objects/photos/1.jpg 200\n".repeat(40).getBytes(StandardCharsets.UTF_8);
    try (BlockCodec codec = BlockCodec.gzip(1)) {
      byte[] stored = new byte[text.length];
      int n = codec.compress(text, 0, text.length, stored, 0, text.length);
      assertTrue(n > 0);
      int detected = 0;
      for (int bit = 0; bit < n * 8; bit++) {
        byte[] damaged = Arrays.copyOf(stored, n);
        damaged[bit / 8] ^= (byte) (1 << (bit % 8));
        byte[] out = new byte[text.length];
        try {
          codec.decompress(damaged, 0, n, out, 0, text.length);
          // Only a bit deflate ignores (padding before the flush marker) may pass, and then
          // the content is the same.
          assertArrayEquals(text, out, "bit " + bit + " of " + n * 8);
        } catch (CorruptBlockException e) {
          assertTrue(e.getMessage().startsWith("gzip block of " + n + " bytes for "
              + text.length + " is corrupt: "), e.getMessage());
          detected++;
        }
      }
      assertTrue(detected >= n * 8 - 8, detected + " of " + n * 8 + " flips detected");
    }
  }

  @Test
  void truncatedBlocksAndWrongLengthsAreCorrupt() {
    byte[] json = Corpus.JSON.make(BLOCK);
    try (BlockCodec codec = BlockCodec.gzip(1)) {
      byte[] stored = new byte[BLOCK];
      int n = codec.compress(json, 0, BLOCK, stored, 0, BLOCK - 1);
      byte[] out = new byte[BLOCK + 1];
      assertEquals("gzip block of 3 bytes for 65536 is corrupt: too short to be one",
          assertThrows(CorruptBlockException.class,
              () -> codec.decompress(stored, 0, 3, out, 0, BLOCK)).getMessage());
      assertTrue(assertThrows(CorruptBlockException.class,
          () -> codec.decompress(stored, 0, n / 2, out, 0, BLOCK)).getMessage()
          .contains("it ends after"));
      assertTrue(assertThrows(CorruptBlockException.class,
          () -> codec.decompress(stored, 0, n, out, 0, BLOCK + 1)).getMessage()
          .contains("it ends after 65536 bytes"));
      assertTrue(assertThrows(CorruptBlockException.class,
          () -> codec.decompress(stored, 0, n, out, 0, BLOCK - 1)).getMessage()
          .contains("it decodes to more bytes"));
      byte[] garbage = new byte[500];
      new Random(1).nextBytes(garbage);
      assertThrows(CorruptBlockException.class,
          () -> codec.decompress(garbage, 0, garbage.length, out, 0, BLOCK));
    }
  }

  @Test
  void closeIsIdempotentAndAClosedCodecRefusesWork() {
    BlockCodec codec = BlockCodec.gzip(1);
    codec.close();
    codec.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> codec.compress(new byte[10], 0, 10, new byte[10], 0, 10));
    assertEquals("gzip codec is closed", e.getMessage());
  }

  @Test
  void levelsOutsideOneToNineAndUnknownIdsAreRefused() {
    assertEquals("gzip level (0) must be 1 to 9",
        assertThrows(IllegalArgumentException.class, () -> BlockCodec.gzip(0)).getMessage());
    assertEquals("gzip level (10) must be 1 to 9",
        assertThrows(IllegalArgumentException.class, () -> BlockCodec.gzip(10)).getMessage());
    assertEquals("no block codec has id 0",
        assertThrows(IllegalArgumentException.class, () -> BlockCodec.forId(0)).getMessage());
    try (BlockCodec codec = BlockCodec.forId(1)) {
      assertEquals("gzip", codec.name());
      assertEquals(1, codec.id());
    }
  }

  private static long storedBytes(BlockCodec codec, byte[] content) {
    long total = 0;
    byte[] out = new byte[BLOCK];
    for (int off = 0; off < content.length; off += BLOCK) {
      int n = codec.compress(content, off, BLOCK, out, 0, BLOCK - 1);
      total += n == NOT_SMALLER ? BLOCK : n;
    }
    return total;
  }
}
