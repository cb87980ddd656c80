package dev.ostore.object;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ByteRange;
import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.TestData;
import dev.ostore.compress.Compression;
import dev.ostore.heartbeat.LiveServers;
import dev.ostore.metadata.ContentLayout;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.Version;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Objects by name through {@link ObjectStore}, without HTTP: versions, dedup, small contents. */
class ObjectStoreTest {
  @TempDir
  Path root;
  FakeStore store;
  FakeDataServers servers;
  LiveServers live;
  MetadataStore metadata;
  ObjectStore objects;

  @BeforeEach
  void start() throws IOException {
    store = new FakeStore(root);
    servers = store.servers;
    live = store.live;
    metadata = store.metadata;
    objects = store.objects(Compression.DEFAULT);
  }

  @AfterEach
  void stop() {
    store.close();
  }

  @Test
  void aVersionNamesItsContentAndItsLayout() throws IOException {
    byte[] bytes = TestData.randomBytes(300_000, 1);
    Version version = put("a", bytes, Optional.empty());
    assertEquals(1, version.number());
    assertEquals(Optional.of(new ContentLayout(300_000, "4+2/65536")),
        metadata.layout(ContentHash.sha256(bytes)));
    assertArrayEquals(bytes, get("a"));
  }

  @Test
  void theSameBytesUnderAnotherNameCostNoShard() throws IOException {
    byte[] bytes = TestData.randomBytes(300_000, 2);
    put("a", bytes, Optional.empty());
    int shards = servers.shardCount();
    put("b", bytes, Optional.empty());
    put("c", bytes, Optional.of(ContentHash.sha256(bytes)));
    assertEquals(shards, servers.shardCount());
    assertArrayEquals(bytes, get("c"));
  }

  @Test
  void aBodyThatIsNotWhatItDeclaredRecordsNoVersion() throws IOException {
    byte[] bytes = TestData.randomBytes(1000, 3);
    OstoreException e = assertThrows(OstoreException.class,
        () -> put("a", bytes, Optional.of(ContentHash.sha256(new byte[1]))));
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertEquals(Optional.empty(), metadata.latest("a"));
  }

  @Test
  void aSmallObjectReadOnceIsServedFromMemoryWithItsServersGone() throws IOException {
    assertSmallServedFromMemoryWithServersGone(true, 4);
  }

  @Test
  void aSmallObjectThisServerWroteIsReadFromMemoryTheFirstTimeToo() throws IOException {
    assertSmallServedFromMemoryWithServersGone(false, 7);
  }

  /**
   * Stores a small and a large object, reads both first if {@code readFirst}, and takes every
   * data server down: the small one still reads, the large one cannot.
   */
  private void assertSmallServedFromMemoryWithServersGone(boolean readFirst, int seed)
      throws IOException {
    byte[] small = TestData.randomBytes(4096, seed);
    byte[] large = TestData.randomBytes(100_000, seed + 1);
    put("small", small, Optional.empty());
    put("large", large, Optional.empty());
    if (readFirst) {
      assertArrayEquals(small, get("small"));
      assertArrayEquals(large, get("large"));
    }
    servers.servers().forEach(servers::takeDown);
    servers.servers().forEach(live::dropUntilHeard);
    assertArrayEquals(small, get("small"));
    OstoreException e = assertThrows(OstoreException.class, () -> get("large"));
    assertEquals(ErrorCode.NO_DATA_SERVER, e.code());
  }

  @Test
  void withoutMemoryForSmallContentEveryReadAsksTheDataServers() throws IOException {
    objects = store.objects(Layouts.DEFAULT.withInlineBelow(0), Compression.DEFAULT,
        store.newLocator(), 0);
    byte[] small = TestData.randomBytes(4096, 10);
    put("small", small, Optional.empty());
    assertArrayEquals(small, get("small"));
    servers.servers().forEach(servers::takeDown);
    servers.servers().forEach(live::dropUntilHeard);
    assertEquals(ErrorCode.NO_DATA_SERVER,
        assertThrows(OstoreException.class, () -> get("small")).code());
  }

  @Test
  void contentHeldInMemoryOpensWithoutAskingTheMetadataStoreOrAnyDataServer()
      throws IOException {
    byte[] small = TestData.randomBytes(4096, 11);
    byte[] large = TestData.randomBytes(100_000, 12);
    Version smallVersion = put("small", small, Optional.empty());
    Version largeVersion = put("large", large, Optional.empty());
    metadata.close();
    servers.servers().forEach(servers::takeDown);
    assertArrayEquals(Arrays.copyOfRange(small, 100, 1100),
        read(objects.openHeld(smallVersion, new ByteRange(100, 1100)).orElseThrow()));
    assertArrayEquals(small, read(objects.openHeld(smallVersion, ByteRange.all(4096)).get()));
    assertEquals(Optional.empty(), objects.openHeld(largeVersion, ByteRange.all(100_000)),
        "too large to be held");
  }

  @Test
  void withoutMemoryForSmallContentNoneIsHeld() throws IOException {
    objects = store.objects(Layouts.DEFAULT, Compression.DEFAULT, store.newLocator(), 0);
    byte[] small = TestData.randomBytes(4096, 13);
    Version version = put("small", small, Optional.empty());
    assertArrayEquals(small, get("small"));
    assertEquals(Optional.empty(), objects.openHeld(version, ByteRange.all(4096)));
  }

  @Test
  void aSmallUploadThatFailsLeavesNothingInMemory() throws IOException {
    objects = store.objects(Layouts.DEFAULT.withInlineBelow(0), Compression.DEFAULT,
        store.newLocator(), ObjectStore.defaultSmallContentCache());
    byte[] small = TestData.randomBytes(4096, 9);
    servers.servers().forEach(server -> servers.failNextUploadAfter(server, 100));
    assertThrows(OstoreException.class, () -> put("small", small, Optional.empty()));
    metadata.add("small", small.length, ContentHash.sha256(small), "1+2/65536");
    OstoreException e = assertThrows(OstoreException.class, () -> get("small"));
    assertEquals(ErrorCode.NO_DATA_SERVER, e.code(), "asked the data servers, which lack it");
  }

  @Test
  void aDeletedObjectIsNotFoundAndItsVersionsStayReadable() throws IOException {
    byte[] bytes = TestData.randomBytes(500, 6);
    put("a", bytes, Optional.empty());
    metadata.delete("a");
    assertEquals(ErrorCode.NOT_FOUND, assertThrows(OstoreException.class, () -> get("a")).code());
    assertArrayEquals(bytes, read(objects.resolve(ObjectName.of("a"), OptionalLong.of(1))));
  }

  @Test
  void contentThisServerKeepsIsServedWithoutAskingTheMetadataStoreHowItIsStored()
      throws IOException {
    byte[] text = TestData.logLines(20_000, 7);
    Version version = put("kept", text, Optional.empty());
    metadata.close(); // every question to it fails from now on
    assertTrue(objects.gzipSize(version).isPresent(), "stored compressed, and known to be");
    assertArrayEquals(text, read(version));
  }

  Version put(String name, byte[] bytes, Optional<ContentHash> declared) throws IOException {
    return objects.put(ObjectName.of(name), ObjectStore.Body.of(bytes, declared));
  }

  byte[] get(String name) throws IOException {
    return read(objects.resolve(ObjectName.of(name), OptionalLong.empty()));
  }

  byte[] read(Version version) throws IOException {
    return read(objects.open(version));
  }

  static byte[] read(ObjectStore.Content opened) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectStore.Content content = opened) {
      content.copyTo(out);
    }
    return out.toByteArray();
  }
}
