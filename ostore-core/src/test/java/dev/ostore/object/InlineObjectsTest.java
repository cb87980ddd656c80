package dev.ostore.object;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ByteRange;
import dev.ostore.ContentHash;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small content kept in the metadata store ({@link Layouts#inline}): written with its version
 * and no data server, read back checked, compressed or not, and stored in shards where its
 * content is recorded so already.
 */
class InlineObjectsTest {
  /** Below the default inline limit. */
  static final int SMALL = 4096;

  @TempDir
  Path root;
  FakeStore store;
  MetadataStore metadata;

  @BeforeEach
  void start() throws IOException {
    store = new FakeStore(root);
    metadata = store.metadata;
  }

  @AfterEach
  void stop() {
    store.close();
  }

  /** Objects that ask the metadata store on every read: no small content kept in memory. */
  ObjectStore uncached(Layouts layouts, Compression compression) {
    return store.objects(layouts, compression, store.newLocator(), 0);
  }

  @Test
  void smallContentIsKeptInTheMetadataStoreAndNeedsNoDataServer() throws IOException {
    ObjectStore objects = uncached(Layouts.DEFAULT, Compression.OFF);
    store.servers.servers().forEach(store.live::dropUntilHeard);
    byte[] bytes = TestData.randomBytes(SMALL, 1);
    Version version = put(objects, "a", bytes);
    ContentHash hash = ContentHash.sha256(bytes);
    assertEquals(Optional.of(new ContentLayout(SMALL, "inline")), metadata.layout(hash));
    assertArrayEquals(bytes, metadata.inline(hash).orElseThrow());
    assertEquals(0, store.servers.shardCount());
    assertArrayEquals(bytes, read(objects, version, ByteRange.all(SMALL)));
    assertArrayEquals(Arrays.copyOfRange(bytes, 100, 200),
        read(objects, version, new ByteRange(100, 200)));
  }

  @Test
  void contentAtTheInlineLimitGoesToDataServers() throws IOException {
    ObjectStore objects = uncached(Layouts.DEFAULT, Compression.OFF);
    byte[] below = TestData.randomBytes((int) Layouts.INLINE_BELOW - 1, 2);
    byte[] at = TestData.randomBytes((int) Layouts.INLINE_BELOW, 3);
    put(objects, "below", below);
    put(objects, "at", at);
    assertTrue(metadata.layout(ContentHash.sha256(below)).orElseThrow().isInline());
    assertEquals("1+2/65536", metadata.layout(ContentHash.sha256(at)).orElseThrow().layout());
    assertEquals(Optional.empty(), metadata.inline(ContentHash.sha256(at)));
    assertEquals(3, store.servers.shardCount());
  }

  @Test
  void withTheLimitAtZeroSmallContentGoesToDataServers() throws IOException {
    ObjectStore objects = uncached(Layouts.DEFAULT.withInlineBelow(0), Compression.OFF);
    byte[] bytes = TestData.randomBytes(SMALL, 4);
    put(objects, "a", bytes);
    assertEquals("1+2/65536", metadata.layout(ContentHash.sha256(bytes)).orElseThrow().layout());
    assertEquals(3, store.servers.shardCount());
  }

  @Test
  void compressedSmallContentIsKeptCompressedAndReadDecodedOrAsGzip() throws Exception {
    ObjectStore objects = uncached(Layouts.DEFAULT, Compression.DEFAULT);
    byte[] text = TestData.logLines(12_000, 5);
    Version version = put(objects, "log", text);
    ContentLayout layout = metadata.layout(ContentHash.sha256(text)).orElseThrow();
    assertTrue(layout.isInline() && layout.compressed().isPresent(), layout.layout());
    assertTrue(metadata.inline(version.hash().orElseThrow()).orElseThrow().length < text.length);
    assertArrayEquals(text, read(objects, version, ByteRange.all(text.length)));
    assertArrayEquals(Arrays.copyOfRange(text, 5000, 5100),
        read(objects, version, new ByteRange(5000, 5100)));
    OptionalLong gzipSize = objects.gzipSize(version);
    ByteArrayOutputStream gzip = new ByteArrayOutputStream();
    try (ObjectStore.Content content = objects.openGzip(version).orElseThrow()) {
      assertEquals(gzipSize.getAsLong(), content.size());
      content.copyTo(gzip);
    }
    assertEquals(gzipSize.getAsLong(), gzip.size());
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.toByteArray()))) {
      assertArrayEquals(text, in.readAllBytes());
    }
  }

  @Test
  void damagedBytesInTheMetadataStoreAreNeverServed() throws Exception {
    ObjectStore objects = uncached(Layouts.DEFAULT, Compression.OFF);
    byte[] bytes = TestData.randomBytes(SMALL, 6);
    Version version = put(objects, "a", bytes);
    byte[] damaged = bytes.clone();
    damaged[1000] ^= 1;
    setInline(version.hash().orElseThrow(), damaged);
    OstoreException e = assertThrows(OstoreException.class,
        () -> read(objects, version, ByteRange.all(SMALL)));
    assertEquals(ErrorCode.STORAGE_FAILED, e.code());
    assertTrue(e.getMessage().contains("does not match its SHA-256"), e.getMessage());
    setInline(version.hash().orElseThrow(), Arrays.copyOf(bytes, SMALL - 1));
    assertEquals(ErrorCode.STORAGE_FAILED, assertThrows(OstoreException.class,
        () -> read(objects, version, new ByteRange(0, 10))).code());
  }

  @Test
  void damagedCompressedBytesAreNeitherDecodedNorSentAsGzip() throws Exception {
    ObjectStore objects = uncached(Layouts.DEFAULT, Compression.DEFAULT);
    byte[] text = TestData.logLines(12_000, 7);
    Version version = put(objects, "log", text);
    ContentHash hash = version.hash().orElseThrow();
    byte[] stored = metadata.inline(hash).orElseThrow();
    stored[stored.length / 2] ^= 1;
    setInline(hash, stored);
    assertEquals(ErrorCode.STORAGE_FAILED, assertThrows(OstoreException.class,
        () -> read(objects, version, ByteRange.all(text.length))).code());
    assertEquals(ErrorCode.STORAGE_FAILED,
        assertThrows(OstoreException.class, () -> objects.openGzip(version)).code());
  }

  @Test
  void theSameSmallContentIsKeptOnce() throws Exception {
    ObjectStore objects = uncached(Layouts.DEFAULT, Compression.OFF);
    byte[] bytes = TestData.randomBytes(SMALL, 8);
    ContentHash hash = ContentHash.sha256(bytes);
    put(objects, "a", bytes);
    put(objects, "b", bytes);
    objects.put(ObjectName.of("c"), ObjectStore.Body.of(bytes, Optional.of(hash)));
    assertEquals(1, count("SELECT COUNT(*) FROM ostore_inline"));
    assertEquals(0, store.servers.shardCount());
    assertEquals(3, metadata.allVersions("", Optional.empty(), 10).versions().size());
  }

  @Test
  void contentRecordedInShardsAlreadyIsStoredInShardsAgain() throws Exception {
    byte[] bytes = TestData.randomBytes(SMALL, 9);
    ContentHash hash = ContentHash.sha256(bytes);
    put(uncached(Layouts.DEFAULT.withInlineBelow(0), Compression.OFF), "old", bytes);
    for (int index = 0; index < 3; index++) {
      store.servers.lose(hash, index);
    }
    // Its shards lost, the content is stored again, in shards as recorded, not inline.
    ObjectStore objects = uncached(Layouts.DEFAULT, Compression.OFF);
    Version version = put(objects, "new", bytes);
    assertEquals("1+2/65536", metadata.layout(hash).orElseThrow().layout());
    assertEquals(Optional.empty(), metadata.inline(hash));
    assertFalse(store.servers.shardsOf(hash).isEmpty());
    assertArrayEquals(bytes, read(objects, version, ByteRange.all(SMALL)));
  }

  Version put(ObjectStore objects, String name, byte[] bytes) throws IOException {
    return objects.put(ObjectName.of(name), ObjectStore.Body.of(bytes, Optional.empty()));
  }

  static byte[] read(ObjectStore objects, Version version, ByteRange range) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectStore.Content content = objects.open(version, range)) {
      content.copyTo(out);
    }
    return out.toByteArray();
  }

  /** Writes {@code bytes} over the content's kept bytes, as a damaged disk might. */
  void setInline(ContentHash hash, byte[] bytes) throws SQLException {
    try (Connection connection = DriverManager.getConnection(
            "jdbc:sqlite:" + root.resolve("metadata.db"));
        PreparedStatement update = connection.prepareStatement(
            "UPDATE ostore_inline SET content = ? WHERE id ="
                + " (SELECT inline_id FROM ostore_contents WHERE hash = ?)")) {
      update.setBytes(1, bytes);
      update.setBytes(2, hash.bytes());
      assertEquals(1, update.executeUpdate());
    }
  }

  long count(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(
            "jdbc:sqlite:" + root.resolve("metadata.db"));
        var rows = connection.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
