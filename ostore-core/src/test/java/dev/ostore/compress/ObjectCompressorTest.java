package dev.ostore.compress;

import static dev.ostore.compress.BlockCodec.NOT_SMALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ObjectCompressorTest {
  private static final int BLOCK = 64 * 1024;
  private static final int PROBE = 4 * BLOCK;

  @Test
  void randomContentIsNeverHandedToTheCodecAndIsGivenUpAfterTheProbe() {
    CountingCodec codec = new CountingCodec(BlockCodec.gzip(1));
    ObjectCompressor rule = ObjectCompressor.start(codec, PROBE);
    for (int n : store(rule, Corpus.RANDOM.make(16 * BLOCK))) {
      assertEquals(NOT_SMALLER, n);
    }
    assertFalse(rule.worthIt());
    assertEquals(0, codec.calls, "blocks tried");
  }

  @Test
  void alreadyCompressedContentIsGivenUpAfterTheProbe() {
    for (Corpus corpus : new Corpus[] {Corpus.GZIP, Corpus.IMAGE}) {
      CountingCodec codec = new CountingCodec(BlockCodec.gzip(1));
      ObjectCompressor rule = ObjectCompressor.start(codec, PROBE);
      store(rule, corpus.make(32 * BLOCK));
      assertFalse(rule.worthIt(), corpus + " judged worth compressing");
      // The images start with small icons that compress; once the saving so far falls below
      // ten percent, nothing more is tried.
      assertTrue(codec.calls <= 8, corpus + ": " + codec.calls + " blocks of 32 tried");
    }
  }

  @Test
  void textIsCompressedBlockByBlockToTheEnd() {
    CountingCodec codec = new CountingCodec(BlockCodec.gzip(1));
    ObjectCompressor rule = ObjectCompressor.start(codec, PROBE);
    int[] stored = store(rule, Corpus.LOG.make(16 * BLOCK));
    for (int b = 0; b < stored.length; b++) {
      assertTrue(stored[b] > 0 && stored[b] < BLOCK / 2, "block " + b + " took " + stored[b]);
    }
    assertTrue(rule.worthIt());
    assertEquals(16, codec.calls);
  }

  @Test
  void anObjectShorterThanTheProbeIsJudgedOnWhatItHas() {
    ObjectCompressor json = ObjectCompressor.start(BlockCodec.gzip(1), PROBE);
    assertFalse(json.worthIt(), "worth it before any byte was tried");
    assertNotEquals(NOT_SMALLER, json.compress(Corpus.JSON.make(4096), 0, 4096, new byte[4096],
        0));
    assertTrue(json.worthIt());

    ObjectCompressor random = ObjectCompressor.start(BlockCodec.gzip(1), PROBE);
    assertEquals(NOT_SMALLER, random.compress(Corpus.RANDOM.make(4096), 0, 4096, new byte[4096],
        0));
    assertFalse(random.worthIt());
  }

  @Test
  void theProbeMustSaveTenPercentOfTheObject() {
    // A codec that saves exactly the bytes it is told to per block: the rule's threshold, alone.
    // Ten percent of four 64 KiB blocks is 6,553.6 bytes a block.
    assertTrue(probeSaving(6554).worthIt());
    assertFalse(probeSaving(6553).worthIt());
  }

  @Test
  void aBlockMustSaveOneSixtyFourthOfItselfToBeKeptCompressed() {
    byte[] zeros = new byte[BLOCK];
    ObjectCompressor rule = ObjectCompressor.start(new SavingCodec(BLOCK / 64 - 1), PROBE);
    assertEquals(NOT_SMALLER, rule.compress(zeros, 0, BLOCK, new byte[BLOCK], 0));
    rule = ObjectCompressor.start(new SavingCodec(BLOCK / 64), PROBE);
    assertEquals(BLOCK - BLOCK / 64, rule.compress(zeros, 0, BLOCK, new byte[BLOCK], 0));
  }

  @Test
  void aMostlyRandomBlockWithSomeStructureIsStillTriedAndKept() {
    byte[] block = Corpus.RANDOM.make(BLOCK);
    java.util.Arrays.fill(block, 0, 4096, (byte) 0);
    CountingCodec codec = new CountingCodec(BlockCodec.gzip(1));
    int n = ObjectCompressor.start(codec, PROBE).compress(block, 0, BLOCK, new byte[BLOCK], 0);
    assertEquals(1, codec.calls);
    assertTrue(n > 0 && n <= BLOCK - BLOCK / 64, "took " + n);
  }

  /** Hands the rule every 64 KiB block of content; answers what it made of each. */
  private static int[] store(ObjectCompressor rule, byte[] content) {
    int[] stored = new int[content.length / BLOCK];
    for (int b = 0; b < stored.length; b++) {
      stored[b] = rule.compress(content, b * BLOCK, BLOCK, new byte[BLOCK], 0);
    }
    return stored;
  }

  private static ObjectCompressor probeSaving(int bytesPerBlock) {
    ObjectCompressor rule = ObjectCompressor.start(new SavingCodec(bytesPerBlock), PROBE);
    store(rule, new byte[PROBE]);
    return rule;
  }

  /** Counts the blocks handed to a real codec. */
  private static final class CountingCodec extends ForwardingCodec {
    int calls;

    CountingCodec(BlockCodec codec) {
      super(codec);
    }

    @Override
    public int compress(byte[] src, int srcOff, int len, byte[] dst, int dstOff, int limit) {
      calls++;
      return super.compress(src, srcOff, len, dst, dstOff, limit);
    }
  }

  /** "Compresses" every block to its length less a fixed saving. */
  private static final class SavingCodec extends ForwardingCodec {
    private final int saving;

    SavingCodec(int saving) {
      super(BlockCodec.gzip(1));
      this.saving = saving;
    }

    @Override
    public int compress(byte[] src, int srcOff, int len, byte[] dst, int dstOff, int limit) {
      return len - saving <= limit ? len - saving : NOT_SMALLER;
    }
  }

  private static class ForwardingCodec implements BlockCodec {
    private final BlockCodec codec;

    ForwardingCodec(BlockCodec codec) {
      this.codec = codec;
    }

    @Override
    public int id() {
      return codec.id();
    }

    @Override
    public String name() {
      return codec.name();
    }

    @Override
    public int compress(byte[] src, int srcOff, int len, byte[] dst, int dstOff, int limit) {
      return codec.compress(src, srcOff, len, dst, dstOff, limit);
    }

    @Override
    public void decompress(byte[] src, int srcOff, int len, byte[] dst, int dstOff,
        int originalLength) throws CorruptBlockException {
      codec.decompress(src, srcOff, len, dst, dstOff, originalLength);
    }

    @Override
    public void close() {
      codec.close();
    }
  }
}
