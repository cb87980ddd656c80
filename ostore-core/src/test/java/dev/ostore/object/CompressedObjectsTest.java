package dev.ostore.object;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ByteRange;
import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.TestData;
import dev.ostore.compress.Compression;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.Version;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content stored compressed through {@link ObjectStore}: what the data servers hold, what the
 * table of contents records, and reads whole, in ranges, as gzip and with servers down.
 */
class CompressedObjectsTest {
  static final int BLOCK = 64 * 1024;
  static final int STRIPE = 4 * BLOCK;

  @TempDir
  Path root;
  FakeStore store;
  FakeDataServers servers;
  MetadataStore metadata;

  @BeforeEach
  void start() throws IOException {
    store = new FakeStore(root);
    servers = store.servers;
    metadata = store.metadata;
  }

  @AfterEach
  void stop() {
    store.close();
  }

  @Test
  void textIsStoredCompressedAndReadAsItCame() throws IOException {
    ObjectStore objects = store(Compression.DEFAULT);
    byte[] text = TestData.logLines(3 * STRIPE + 1000, 1);
    Version version = put(objects, "log", text);
    ContentLayout layout = metadata.layout(version.hash().orElseThrow()).orElseThrow();
    assertEquals(text.length, layout.size());
    assertEquals(text.length, version.size());
    long stored = layout.compressed().orElseThrow().storedSize();
    assertTrue(stored * 3 < text.length, layout.toString());
    assertEquals(layout.striping().shardLength(stored) * 6, servers.shardBytes());
    assertArrayEquals(text, read(objects, version, ByteRange.all(text.length)));
    for (long at : new long[] {0, BLOCK - 1, BLOCK, STRIPE - 1, STRIPE, 2 * STRIPE + 7,
        text.length - BLOCK, text.length - 1}) {
      for (long length : new long[] {1, 2, 100, BLOCK, STRIPE + 3}) {
        ByteRange range = new ByteRange(at, Math.min(text.length, at + length));
        assertArrayEquals(Arrays.copyOfRange(text, (int) range.from(), (int) range.to()),
            read(objects, version, range), range.toString());
      }
    }
    assertArrayEquals(new byte[0], read(objects, version, new ByteRange(5, 5)));
    assertArrayEquals(text, gunzip(objects, version));
  }

  @Test
  void contentStoredUncompressedIsNeverRecordedAgainCompressed() throws IOException {
    byte[] text = TestData.logLines(3 * STRIPE, 3);
    Version plain = put(store(Compression.OFF), "plain", text);
    assertTrue(metadata.deleteVersion("plain", 1).isPresent());
    // Its row waits for a collection; compression is turned on and the same bytes come again.
    OstoreException e = assertThrows(OstoreException.class,
        () -> put(store(Compression.DEFAULT), "again", text));

    assertEquals(ErrorCode.CONFLICT, e.code());
    assertTrue(e.getMessage().contains("stored under other settings"), e.getMessage());
    assertEquals(Optional.empty(), metadata.latest("again"), "no version refers to it");
    assertEquals(Optional.empty(), metadata.layout(plain.hash().orElseThrow()).orElseThrow()
        .compressed());
  }

  @Test
  void smallTextIsOneCompressedCopyOfThree() throws IOException {
    ObjectStore objects = store(Compression.DEFAULT);
    byte[] text = TestData.jsonLines(40_000, 2);
    Version version = put(objects, "small", text);
    ContentLayout layout = metadata.layout(version.hash().orElseThrow()).orElseThrow();
    assertEquals("1+2/65536", layout.striping().toString());
    long stored = layout.compressed().orElseThrow().storedSize();
    assertEquals(3 * stored, servers.shardBytes());
    // A second store: nothing in memory, read from the data servers.
    ObjectStore other = store(Compression.DEFAULT);
    assertArrayEquals(text, read(other, version, ByteRange.all(text.length)));
    assertArrayEquals(Arrays.copyOfRange(text, 39_000, 40_000),
        read(store(Compression.DEFAULT), version, new ByteRange(39_000, 40_000)));
    assertArrayEquals(text, gunzip(other, version));
  }

  @Test
  void incompressibleContentIsStoredAsItCame() throws IOException {
    ObjectStore objects = store(Compression.DEFAULT);
    for (byte[] bytes : new byte[][] {TestData.randomBytes(STRIPE + 5, 3),
        TestData.gzipped(2 * STRIPE, 4), TestData.randomBytes(1000, 5), new byte[0]}) {
      Version version = put(objects, "x", bytes);
      ContentLayout layout = metadata.layout(version.hash().orElseThrow()).orElseThrow();
      assertEquals(Optional.empty(), layout.compressed());
      assertFalse(layout.layout().contains("codec="), layout.layout());
      assertEquals(Optional.empty(), objects.openGzip(version));
      assertArrayEquals(bytes, read(store(Compression.DEFAULT), version,
          ByteRange.all(bytes.length)));
    }
  }

  @Test
  void contentStoredAsItCameIsReadByAStoreThatCompresses() throws IOException {
    byte[] text = TestData.jsonLines(2 * STRIPE, 6);
    Version version = put(store(Compression.OFF), "old", text);
    assertEquals(new ContentLayout(text.length, "4+2/65536"),
        metadata.layout(version.hash().orElseThrow()).orElseThrow());
    ObjectStore objects = store(Compression.DEFAULT);
    assertArrayEquals(text, read(objects, version, ByteRange.all(text.length)));
    assertArrayEquals(Arrays.copyOfRange(text, BLOCK - 3, BLOCK + 3),
        read(objects, version, new ByteRange(BLOCK - 3, BLOCK + 3)));
    assertEquals(Optional.empty(), objects.openGzip(version));
  }

  @Test
  void compressedContentIsReadWithTwoServersDown() throws IOException {
    ObjectStore objects = store(Compression.DEFAULT);
    byte[] text = TestData.jsonLines(5 * STRIPE + 17, 7);
    Version version = put(objects, "text", text);
    servers.takeDown(servers.servers().get(0));
    servers.takeDown(servers.servers().get(3));
    ObjectStore reader = store(Compression.DEFAULT);
    assertArrayEquals(text, read(reader, version, ByteRange.all(text.length)));
    ByteRange range = new ByteRange(3 * BLOCK - 10, 3 * BLOCK + 10);
    assertArrayEquals(Arrays.copyOfRange(text, (int) range.from(), (int) range.to()),
        read(reader, version, range));
    assertArrayEquals(text, gunzip(reader, version));
  }

  ObjectStore store(Compression compression) {
    return store.objects(compression);
  }

  static Version put(ObjectStore objects, String name, byte[] bytes) throws IOException {
    return objects.put(ObjectName.of(name), ObjectStore.Body.of(bytes, Optional.empty()));
  }

  static byte[] read(ObjectStore objects, Version version, ByteRange range) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectStore.Content content = objects.open(version, range)) {
      assertEquals(version.size(), content.size());
      content.copyTo(out);
    }
    return out.toByteArray();
  }

  static byte[] gunzip(ObjectStore objects, Version version) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectStore.Content gzip = objects.openGzip(version).orElseThrow()) {
      gzip.copyTo(out);
      assertEquals(objects.gzipSize(version).orElseThrow(), gzip.size());
      assertEquals(gzip.size(), out.size());
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      return in.readAllBytes();
    }
  }
}
