package dev.ostore.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.TestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The stored stream of {@link CompressingStream} read back through {@link SegmentStream}: whole,
 * in ranges around block edges, and as one gzip member that {@link GZIPInputStream} decodes.
 */
class CompressingStreamTest {
  static final int BLOCK = BlockIndex.BLOCK_SIZE;

  @Test
  void textIsStoredInCompressedSegmentsThenItsIndex() throws IOException {
    byte[] text = TestData.jsonLines(5 * BLOCK + 123, 1);
    Stored stored = store(text);
    CompressedForm form = stored.form.orElseThrow();
    assertEquals(stored.bytes.length, form.storedSize());
    assertEquals(form.storedSize() - 6 * 8, form.indexAt());
    assertTrue(form.storedSize() * 3 < text.length, form.toString());
    assertArrayEquals(text, decode(stored, 0, text.length));
    for (long at : new long[] {0, BLOCK - 1, BLOCK, 2 * BLOCK - 3, 4 * BLOCK, text.length - 1}) {
      for (long length : new long[] {1, 2, 5, BLOCK + 1}) {
        long to = Math.min(text.length, at + length);
        assertArrayEquals(Arrays.copyOfRange(text, (int) at, (int) to), decode(stored, at, to),
            "bytes " + at + "-" + (to - 1));
      }
    }
    assertArrayEquals(text, gunzip(gzip(stored), form.gzipSize()));
  }

  @Test
  void randomAndGzippedBytesAreStoredAsTheyCame() throws IOException {
    for (byte[] bytes : new byte[][] {TestData.randomBytes(3 * BLOCK, 2),
        TestData.gzipped(3 * BLOCK, 3), TestData.randomBytes(5000, 4), new byte[0]}) {
      Stored stored = store(bytes);
      assertEquals(Optional.empty(), stored.form);
      assertArrayEquals(bytes, stored.bytes);
    }
  }

  @Test
  void blocksThatDoNotCompressAreStoredAsTheyAreInACompressedObject() throws IOException {
    byte[] mixed = new byte[8 * BLOCK + 10];
    System.arraycopy(TestData.logLines(4 * BLOCK, 5), 0, mixed, 0, 4 * BLOCK);
    byte[] random = TestData.randomBytes(4 * BLOCK + 10, 6);
    System.arraycopy(random, 0, mixed, 4 * BLOCK, random.length);
    Stored stored = store(mixed);
    BlockIndex index = index(stored);
    assertFalse(index.raw(3));
    assertTrue(index.raw(4));
    assertTrue(index.raw(8));
    assertEquals(BLOCK, index.end(4) - index.start(4));
    assertArrayEquals(mixed, decode(stored, 0, mixed.length));
    assertArrayEquals(Arrays.copyOfRange(mixed, 4 * BLOCK - 5, 4 * BLOCK + 5),
        decode(stored, 4 * BLOCK - 5, 4 * BLOCK + 5));
    assertArrayEquals(mixed, gunzip(gzip(stored), stored.form.orElseThrow().gzipSize()));
  }

  @Test
  void contentOfOneBlockIsOneSegmentWithoutIndex() throws IOException {
    byte[] text = TestData.logLines(20_000, 7);
    Stored stored = store(text);
    CompressedForm form = stored.form.orElseThrow();
    assertEquals(form.storedSize(), form.indexAt());
    assertArrayEquals(text, decode(stored, 0, text.length));
    assertArrayEquals(Arrays.copyOfRange(text, 19_999, 20_000), decode(stored, 19_999, 20_000));
    assertArrayEquals(text, gunzip(gzip(stored), form.gzipSize()));
  }

  @Test
  void moreBytesThanDeclaredAreRefused() throws IOException {
    try (CompressingStream in = CompressingStream.to(new ByteArrayOutputStream(),
        Compression.DEFAULT, OptionalLong.of(10))) {
      in.write(new byte[10]);
      assertThrows(IllegalStateException.class, () -> in.write(1));
    }
  }

  @Test
  void aSegmentCutShortIsCorrupt() throws IOException {
    byte[] text = TestData.jsonLines(3 * BLOCK, 8);
    Stored stored = store(text);
    BlockIndex index = index(stored);
    try (SegmentStream decoding = SegmentStream.decoding(index, GzipBlockCodec.ID, text.length,
        0, text.length, new ByteArrayOutputStream())) {
      decoding.write(stored.bytes, 0, (int) index.end(2) - 1);
      assertThrows(CorruptBlockException.class, decoding::finish);
    }
  }

  record Stored(byte[] bytes, Optional<CompressedForm> form, long size) {}

  static Stored store(byte[] original) throws IOException {
    Stored declared = store(original, OptionalLong.of(original.length));
    Stored undeclared = store(original, OptionalLong.empty());
    assertArrayEquals(declared.bytes, undeclared.bytes, "with and without the length told");
    assertEquals(declared.form, undeclared.form);
    return declared;
  }

  static Stored store(byte[] original, OptionalLong length) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CompressingStream in = CompressingStream.to(out, Compression.DEFAULT, length)) {
      // In uneven writes, as a body arrives.
      for (int at = 0; at < original.length; at += 7777) {
        in.write(original, at, Math.min(7777, original.length - at));
      }
      Optional<CompressedForm> form = in.finish();
      return new Stored(out.toByteArray(), form, original.length);
    }
  }

  static BlockIndex index(Stored stored) {
    CompressedForm form = stored.form.orElseThrow();
    if (!BlockIndex.indexed(stored.size)) {
      return BlockIndex.single(form.indexAt());
    }
    return BlockIndex.read(0, Arrays.copyOfRange(stored.bytes, (int) form.indexAt(),
        (int) form.storedSize()));
  }

  static byte[] decode(Stored stored, long from, long to) throws IOException {
    BlockIndex index = index(stored);
    long first = from / BLOCK;
    long end = (to - 1) / BLOCK + 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SegmentStream decoding = SegmentStream.decoding(index, GzipBlockCodec.ID, stored.size,
        from, to, out)) {
      decoding.write(stored.bytes, (int) index.start(first),
          (int) (index.end(end - 1) - index.start(first)));
      decoding.finish();
    }
    return out.toByteArray();
  }

  static byte[] gzip(Stored stored) throws IOException {
    BlockIndex index = index(stored);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SegmentStream gzip = SegmentStream.gzip(index, stored.size, out);
    gzip.write(stored.bytes, 0, (int) stored.form.orElseThrow().indexAt());
    gzip.finish();
    return out.toByteArray();
  }

  static byte[] gunzip(byte[] gzip, long expectedLength) throws IOException {
    assertEquals(expectedLength, gzip.length);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }
}
