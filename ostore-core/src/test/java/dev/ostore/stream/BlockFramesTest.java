package dev.ostore.stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link BlockFrames}: the framed body of a shard upload, written and parsed back. */
class BlockFramesTest {
  static final int MAX_BLOCK = 100;
  static final ContentHash HASH = ContentHash.sha256("object".getBytes(UTF_8));
  static final long SIZE = 1000;
  /** Blocks as a shard of a 4+2/100 cut of 1,000 bytes has them. */
  static final List<byte[]> BLOCKS =
      List.of(TestData.randomBytes(100, 1), TestData.randomBytes(100, 2), TestData.randomBytes(50, 3));
  /** Where the trailer starts in {@link #body()}: three frames, then the end mark. */
  static final int TRAILER_AT = 3 * 8 + 250 + 4;

  final List<byte[]> received = new ArrayList<>();
  final BlockFrames.Parser parser =
      BlockFrames.parser(MAX_BLOCK, (b, off, len) -> received.add(Arrays.copyOfRange(b, off,
          off + len)));

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 4, 7, 100, 104, 1 << 20})
  void blocksAndTrailerComeBackWhateverPiecesTheBodyArrivesIn(int largestPiece)
      throws IOException {
    byte[] body = body();
    Random random = new Random(largestPiece);
    for (int at = 0; at < body.length; ) {
      int piece = Math.min(body.length - at, 1 + random.nextInt(largestPiece));
      parser.write(body, at, piece);
      at += piece;
    }
    assertBlocks(BLOCKS, received);
    assertEquals(new BlockFrames.Trailer(HASH, SIZE), parser.trailer());
  }

  @Test
  void aBlockIsHandedOnOnceItsChecksumIsIn() throws IOException {
    byte[] body = body();
    int firstFrame = 4 + 100 + 4;
    parser.write(body, 0, firstFrame - 1);
    assertEquals(0, received.size());
    parser.write(body[firstFrame - 1]);
    assertBlocks(BLOCKS.subList(0, 1), received);
  }

  @Test
  void aFrameIsItsLengthItsBytesAndTheirCrc32cBigEndian() throws IOException {
    byte[] block = TestData.randomBytes(5, 4);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BlockFrames.writeBlock(out, block, 0, 5);
    CRC32C crc = new CRC32C();
    crc.update(block);
    ByteBuffer expected = ByteBuffer.allocate(13).putInt(5).put(block).putInt((int) crc.getValue());
    assertArrayEquals(expected.array(), out.toByteArray());
  }

  @Test
  void anEmptyObjectIsTheEndMarkAndTheTrailer() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ContentHash empty = ContentHash.sha256(new byte[0]);
    BlockFrames.writeEnd(out, empty, 0);
    assertEquals(4 + 32 + 8 + 4, out.size());
    parser.write(out.toByteArray());
    assertEquals(0, received.size());
    assertEquals(new BlockFrames.Trailer(empty, 0), parser.trailer());
  }

  @Test
  void aFlippedBitInABlockIsRefusedAndTheBlockNotHandedOn() {
    byte[] body = body();
    body[4 + 100 + 4 + 4 + 30] ^= 0x10; // in block 1
    assertBadRequest(() -> parser.write(body), "block 1");
    assertBlocks(BLOCKS.subList(0, 1), received);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 7, 24, 31})
  void aFlippedBitInALengthIsRefused(int bit) {
    byte[] body = body();
    int lengthOfBlock1 = 4 + 100 + 4;
    body[lengthOfBlock1 + 3 - bit / 8] ^= (byte) (1 << (bit % 8));
    assertBadRequest(() -> parser.write(body), "block");
    assertBlocks(BLOCKS.subList(0, 1), received);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 31, 32, 39, 40, 43})
  void aFlippedBitInTheTrailerIsRefused(int offset) {
    byte[] body = body();
    body[TRAILER_AT + offset] ^= 1;
    assertBadRequest(() -> parser.write(body), "trailer");
  }

  @Test
  void aBodyEndingAnywhereEarlyHasNoTrailer() throws IOException {
    byte[] body = body();
    for (int cut = 0; cut < body.length; cut++) {
      List<byte[]> blocks = new ArrayList<>();
      BlockFrames.Parser cutShort = BlockFrames.parser(MAX_BLOCK, (b, off, len) -> blocks.add(b));
      cutShort.write(body, 0, cut);
      OstoreException e = assertThrows(OstoreException.class, cutShort::trailer, "cut at " + cut);
      assertEquals(ErrorCode.BAD_REQUEST, e.code());
      assertTrue(e.getMessage().contains("after " + blocks.size() + " blocks"), e.getMessage());
    }
  }

  @Test
  void bytesAfterTheTrailerAreRefused() throws IOException {
    parser.write(body());
    assertBadRequest(() -> parser.write(0), "after the trailer");
  }

  @Test
  void aBlockLongerThanTheMostTakenIsRefusedAtItsLength() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BlockFrames.writeBlock(out, TestData.randomBytes(MAX_BLOCK + 1, 5), 0, MAX_BLOCK + 1);
    // Refused on its four length bytes, before any of its bytes is buffered.
    assertBadRequest(() -> parser.write(out.toByteArray(), 0, 4), "101");
    assertEquals(0, received.size());
  }

  @Test
  void aTrailerWithANegativeSizeIsRefused() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BlockFrames.writeEnd(out, HASH, -1);
    assertBadRequest(() -> parser.write(out.toByteArray()), "negative");
  }

  @Test
  void anEmptyBlockCannotBeWritten() {
    assertThrows(IllegalArgumentException.class,
        () -> BlockFrames.writeBlock(new ByteArrayOutputStream(), new byte[1], 0, 0));
  }

  /** The framed body of {@link #BLOCKS}, named {@link #HASH} and {@link #SIZE}. */
  private static byte[] body() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] block : BLOCKS) {
        BlockFrames.writeBlock(out, block, 0, block.length);
      }
      BlockFrames.writeEnd(out, HASH, SIZE);
      assertEquals(TRAILER_AT + 32 + 8 + 4, out.size());
      return out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError("a ByteArrayOutputStream does not fail", e);
    }
  }

  private static void assertBlocks(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "block " + i);
    }
  }

  private static void assertBadRequest(Executable call, String saying) {
    OstoreException e = assertThrows(OstoreException.class, call);
    assertEquals(ErrorCode.BAD_REQUEST, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains(saying), e.getMessage());
  }
}
