package dev.ostore.compress;

import static dev.ostore.compress.BlockCodec.NOT_SMALLER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class GzipAssemblerTest {
  private static final int BLOCK = 64 * 1024;

  @Test
  void compressedAndRawBlocksMakeOneGzipMemberThatStrictClientsRead() throws Exception {
    ByteArrayOutputStream original = new ByteArrayOutputStream();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    GzipAssembler gzip = GzipAssembler.to(body);
    int compressed = 0;
    try (BlockCodec codec = BlockCodec.gzip(1)) {
      for (Corpus corpus : new Corpus[] {Corpus.JSON, Corpus.RANDOM, Corpus.LOG, Corpus.IMAGE}) {
        byte[] content = corpus.make(3 * BLOCK + 1000);
        original.write(content);
        compressed += assemble(codec, gzip, content, BLOCK);
      }
    }
    gzip.finish();
    assertTrue(compressed >= 6, compressed + " blocks were sent compressed");
    byte[] expected = original.toByteArray();
    assertArrayEquals(expected, strictSingleMember(body.toByteArray()));
    assertArrayEquals(expected, gunzip(body.toByteArray()));
  }

  @Test
  void rawBlocksLongerThanOneStoredBlockAreSplit() throws Exception {
    byte[] random = Corpus.RANDOM.make(1 << 20);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    GzipAssembler gzip = GzipAssembler.to(body);
    gzip.rawBlock(random, 0, random.length);
    gzip.finish();
    // 10-byte header, 5 bytes per 65,535 bytes stored, a final empty block, 8-byte trailer.
    assertEquals(10 + random.length + 5 * 17 + 5 + 8, body.size());
    assertArrayEquals(random, strictSingleMember(body.toByteArray()));
  }

  @Test
  void anEmptyBodyIsAValidGzipOfNothing() throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    GzipAssembler.to(body).finish();
    assertArrayEquals(new byte[0], strictSingleMember(body.toByteArray()));
    assertArrayEquals(new byte[0], gunzip(body.toByteArray()));
  }

  @Test
  void blocksAreWrittenAsTheyComeNotHeldBack() throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    GzipAssembler gzip = GzipAssembler.to(body);
    byte[] random = Corpus.RANDOM.make(BLOCK);
    gzip.rawBlock(random, 0, BLOCK);
    assertTrue(body.size() > BLOCK, "only " + body.size() + " bytes written after a block");
  }

  @Test
  void nothingCanBeWrittenAfterFinish() throws Exception {
    GzipAssembler gzip = GzipAssembler.to(new ByteArrayOutputStream());
    gzip.finish();
    assertEquals("gzip body already finished", assertThrows(IllegalStateException.class,
        () -> gzip.rawBlock(new byte[1], 0, 1)).getMessage());
  }

  /** Sends content in blocks, compressed where worth it; answers how many went compressed. */
  private static int assemble(BlockCodec codec, GzipAssembler gzip, byte[] content, int block)
      throws IOException {
    int compressed = 0;
    byte[] stored = new byte[block];
    for (int off = 0; off < content.length; off += block) {
      int len = Math.min(block, content.length - off);
      int n = codec.compress(content, off, len, stored, 0, ObjectCompressor.blockLimit(len));
      if (n == NOT_SMALLER) {
        gzip.rawBlock(content, off, len);
      } else {
        gzip.compressedBlock(stored, 0, n, len);
        compressed++;
      }
    }
    return compressed;
  }

  private static byte[] gunzip(byte[] body) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }

  /**
   * Decodes exactly one gzip member and fails on anything after it, as OkHttp's GzipSource and
   * curl do: what a body served from stored blocks must satisfy.
   */
  static byte[] strictSingleMember(byte[] body) throws DataFormatException {
    assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0}, Arrays.copyOf(body, 4));
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(body, 10, body.length - 10);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        assertTrue(n > 0 || !inflater.needsInput(), "the deflate stream ends early");
        out.write(buffer, 0, n);
      }
      assertEquals(8, inflater.getRemaining(), "bytes after the member's trailer");
      int trailer = body.length - 8;
      byte[] content = out.toByteArray();
      CRC32 crc = new CRC32();
      crc.update(content);
      assertEquals((int) crc.getValue(), GzipBlockCodec.readIntLe(body, trailer), "CRC-32");
      assertEquals(content.length, GzipBlockCodec.readIntLe(body, trailer + 4), "ISIZE");
      return content;
    } finally {
      inflater.end();
    }
  }
}
