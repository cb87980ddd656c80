package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.bus.MessageBus;
import dev.ostore.server.api.ApiServer;
import dev.ostore.server.api.ApiServerConfig;
import dev.ostore.server.api.LocalCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The SDK against the real servers: the protocol as docs/protocol.md states it. */
@Timeout(60)
class AgainstRealServersTest {
  @TempDir
  Path root;
  LocalCluster cluster;
  OstoreClient client;

  @BeforeEach
  void start() throws Exception {
    cluster = LocalCluster.start(root.resolve("store"));
    client = OstoreClient.builder(cluster.uri()).build();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aConditionalPutCreatesOnceAndUpdatesOnlyWhatWasRead() throws Exception {
    ObjectVersion first = client.put("c", new byte[] {1}, WriteCondition.ifAbsent());
    PreconditionFailedException taken = assertThrows(PreconditionFailedException.class,
        () -> client.put("c", new byte[] {2}, WriteCondition.ifAbsent()));
    assertEquals(412, taken.status());
    assertTrue(taken.getMessage().startsWith("object c is at version 1 (ETag \""
        + first.hash() + "\")"), taken.getMessage());
    ObjectVersion second = client.put("c", new byte[] {2}, WriteCondition.ifUnchangedSince(first));
    assertEquals(2, second.version());
    assertThrows(PreconditionFailedException.class,
        () -> client.put("c", new byte[] {3}, WriteCondition.ifUnchangedSince(first)));
    assertEquals(3, client.put("c", new byte[] {3},
        WriteCondition.ifUnchangedSince(client.head("c"))).version());
    assertEquals(List.of(1L, 2L, 3L), client.versions("c").map(ObjectVersion::version).toList());
  }

  /** Resumable uploads take no condition: a conditional put of a big file is one PUT. */
  @Test
  void aConditionalPutOfAFileAboveTheResumableSizeIsOneRequest() throws Exception {
    OstoreClient resumable = OstoreClient.builder(cluster.uri()).resumableAbove(1024).build();
    Path file = root.resolve("big");
    Files.write(file, new byte[64 * 1024]);
    ObjectVersion stored = resumable.put("big", file, WriteCondition.ifAbsent());
    assertEquals(64 * 1024, stored.size());
    assertThrows(PreconditionFailedException.class,
        () -> resumable.put("big", file, WriteCondition.ifAbsent()));
    assertEquals(1, client.versions("big").count());
  }

  /** Refused before its body is asked for, a conditional put sends none of it. */
  @Test
  void aRefusedConditionalPutSendsNothing() throws Exception {
    client.put("taken", new byte[] {1});
    AtomicLong sent = new AtomicLong();
    OstoreClient watched = OstoreClient.builder(cluster.uri())
        .transferListener((bytes, size) -> sent.accumulateAndGet(bytes, Math::max)).build();
    Path file = Files.write(root.resolve("eight"), new byte[8 << 20]);
    assertThrows(PreconditionFailedException.class,
        () -> watched.put("taken", file, WriteCondition.ifAbsent()));
    assertEquals(0, sent.get());
    assertEquals(8 << 20, watched.put("free", file, WriteCondition.ifAbsent()).size());
    assertEquals(8 << 20, sent.get(), "a condition that holds sends the body");
  }

  @Test
  void aConditionalDeleteDeletesOnlyWhatWasRead() throws Exception {
    ObjectVersion first = client.put("d", new byte[] {1});
    client.put("d", new byte[] {2});
    assertThrows(PreconditionFailedException.class,
        () -> client.delete("d", WriteCondition.ifUnchangedSince(first)));
    assertEquals(2, client.head("d").version());
    assertTrue(client.delete("d", WriteCondition.ifUnchangedSince(client.head("d"))).isDeleted());
    assertThrows(ObjectNotFoundException.class,
        () -> client.delete("d", WriteCondition.ifContent(first.hash())));
  }

  @Test
  void deleteVersionRemovesOneVersionForGood() throws Exception {
    client.put("v", new byte[] {1});
    client.put("v", new byte[] {2});
    client.deleteVersion("v", 1);
    assertEquals(List.of(2L), client.versions("v").map(ObjectVersion::version).toList());
    assertThrows(ObjectNotFoundException.class, () -> client.deleteVersion("v", 1));
    assertThrows(ObjectNotFoundException.class, () -> client.get("v", 1,
        new ByteArrayOutputStream()));
  }

  @Test
  void collectStartsAPassThatCollectStatusShows() throws Exception {
    assertEquals("{\"state\":\"idle\",\"pass\":null,\"lastPass\":null}\n",
        client.collectStatus());
    String started = client.collect(true);
    assertTrue(started.contains("\"dryRun\":true"), started);
    assertTrue(client.collectStatus().contains("\"dryRun\":true"));
  }

  @Test
  void aServerThatIsDownIsServerUnreachableNamingItsUrl() throws Exception {
    String url = cluster.uri().toString();
    client.put("x", new byte[1]);
    cluster.close();
    List<Executable> calls = List.of(() -> client.head("x"), () -> client.put("x", new byte[1]),
        () -> client.open("x"), () -> client.list(""), () -> client.locate("x"));
    for (Executable call : calls) {
      ServerUnreachableException e = assertThrows(ServerUnreachableException.class, call);
      assertEquals("cannot reach " + url + ": Connection refused", e.getMessage());
      assertEquals(url, e.server());
      assertInstanceOf(ConnectException.class, e.getCause());
    }
  }

  /** A version says when it was written: to the millisecond when listed, to the second in heads. */
  @Test
  void versionsAndHeadsSayWhenTheyWereWritten() throws Exception {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    ObjectVersion first = client.put("timed", new byte[] {1});
    ObjectVersion tombstone = client.delete("timed");
    ObjectVersion again = client.put("timed", new byte[] {2});
    Instant after = Instant.now();
    List<Instant> times = List.of(first.created().orElseThrow(),
        tombstone.created().orElseThrow(), again.created().orElseThrow());
    assertEquals(times.stream().sorted().toList(), times);
    assertTrue(!times.get(0).isBefore(before) && !times.get(2).isAfter(after),
        before + " " + times + " " + after);
    try (Stream<ObjectVersion> listed = client.versions("timed")) {
      assertEquals(List.of(first, tombstone, again), listed.toList());
    }
    assertEquals(Optional.of(times.get(0).truncatedTo(ChronoUnit.SECONDS)),
        client.head("timed", 1).lastModified());
    assertEquals(Optional.of(times.get(2).truncatedTo(ChronoUnit.SECONDS)),
        client.head("timed").lastModified());
  }

  /** What a version or head says but for its time, which a test cannot know beforehand. */
  private static ObjectVersion untimed(ObjectVersion version) {
    return new ObjectVersion(version.name(), version.version(), version.size(), version.hash());
  }

  private static ObjectInfo untimed(ObjectInfo info) {
    return new ObjectInfo(info.name(), info.version(), info.size(), info.hash());
  }

  @Test
  void bytesFilesAndStreamsRoundTrip() throws Exception {
    byte[] bytes = random(1_500_000, 1);
    String hash = sha256(bytes);
    assertEquals(new ObjectVersion("from-bytes", 1, bytes.length, hash),
        untimed(client.put("from-bytes", bytes)));
    Path file = root.resolve("upload.bin");
    Files.write(file, bytes);
    assertEquals(new ObjectVersion("from-file", 1, bytes.length, hash),
        untimed(client.put("from-file", file)));
    assertEquals(new ObjectVersion("from-stream", 1, bytes.length, hash),
        untimed(client.put("from-stream", new ByteArrayInputStream(bytes))));
    for (String name : List.of("from-bytes", "from-file", "from-stream")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertEquals(bytes.length, client.get(name, out));
      assertArrayEquals(bytes, out.toByteArray(), name);
      try (InputStream in = client.open(name)) {
        assertArrayEquals(bytes, in.readAllBytes(), name);
      }
      Path target = root.resolve(name + ".out");
      client.get(name, target);
      assertArrayEquals(bytes, Files.readAllBytes(target), name);
      assertEquals(new ObjectInfo(name, 1, bytes.length, hash), untimed(client.head(name)));
    }
  }

  @Test
  void locateNamesADataServerForEachShard() throws Exception {
    byte[] copied = new byte[20_000];
    new java.util.Random(1).nextBytes(copied);
    client.put("located", copied);
    Location location = client.locate("located");
    // Small content is kept as 1 + m copies, each a shard on a data server of its own.
    assertEquals(java.util.Optional.empty(), location.whole());
    assertTrue(location.shards().size() >= 2, location.toString());
    assertEquals(location.shards().size(),
        new java.util.HashSet<>(location.shards().values()).size(), location.toString());
    assertTrue(cluster.dataServerAddresses().stream().map(ServerAddress::toString).toList()
        .containsAll(location.shards().values()), location.toString());
  }

  @Test
  void locateOfContentKeptInTheMetadataStoreNamesNoDataServer() throws Exception {
    client.put("tiny", new byte[] {1, 2, 3});
    Location location = client.locate("tiny");
    assertEquals(java.util.Optional.empty(), location.whole());
    assertEquals(java.util.Map.of(), location.shards());
    assertEquals("", location.toString());
  }

  @Test
  void aMissingObjectIsObjectNotFoundWithTheServersMessage() throws Exception {
    ObjectNotFoundException get = assertThrows(ObjectNotFoundException.class,
        () -> client.get("absent", new ByteArrayOutputStream()));
    assertEquals(404, get.status());
    assertEquals("object absent not found", get.getMessage());
    assertThrows(ObjectNotFoundException.class, () -> client.head("absent"));
    assertThrows(ObjectNotFoundException.class, () -> client.locate("absent"));
    Path target = root.resolve("absent.out");
    assertThrows(ObjectNotFoundException.class, () -> client.get("absent", target));
    assertFalse(Files.exists(target));
  }

  /** The client's encoding of names and the server's decoding agree, byte for byte. */
  @Test
  void clientAndServerAgreeOnEveryName() throws Exception {
    HttpClient raw = HttpClient.newHttpClient();
    for (String name : List.of("plain", "with space", "a+b", "100%", "ü-東京-🎉", "~tilde",
        "...", ".hidden", "semi;colon?query#hash", "x".repeat(255))) {
      byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
      client.put(name, bytes);
      String path = "/objects/" + dev.ostore.ObjectName.of(name).urlSegment();
      HttpResponse<byte[]> got = raw.send(HttpRequest.newBuilder(cluster.uri().resolve(path))
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, got.statusCode(), name);
      assertArrayEquals(bytes, got.body(), name);
    }
  }

  @Test
  void withoutDataServersCallsFailWithServiceUnavailable() throws Exception {
    try (MessageBus bus = MessageBus.inMemory();
        ApiServer lonely = ApiServer.start(ApiServerConfig.embedded(
            new ServerAddress("127.0.0.1", 0), root, 1), bus, InstantSource.system())) {
      OstoreClient alone = OstoreClient.builder(lonely.address().baseUri()).build();
      ServiceUnavailableException put = assertThrows(ServiceUnavailableException.class,
          () -> alone.put("x", random(4_000_000, 2)));
      assertEquals("no data server is live", put.getMessage());
      // Nothing was recorded, and the metadata alone answers what it knows.
      assertThrows(ObjectNotFoundException.class,
          () -> alone.get("x", new ByteArrayOutputStream()));
      assertEquals(List.of(), alone.versions("x").toList());
    }
  }

  @Test
  void everyVersionStaysReadableByNumber() throws Exception {
    List<ObjectVersion> stored = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      stored.add(client.put("doc", random(10_000 * i, i)));
    }
    assertEquals(List.of(1L, 2L, 3L), stored.stream().map(ObjectVersion::version).toList());
    assertEquals(stored, client.versions("doc").toList());
    for (ObjectVersion version : stored) {
      byte[] expected = random((int) version.size(), version.version());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertEquals(expected.length, client.get("doc", version.version(), out));
      assertArrayEquals(expected, out.toByteArray());
      try (InputStream in = client.open("doc", version.version())) {
        assertArrayEquals(expected, in.readAllBytes());
      }
      assertEquals(new ObjectInfo("doc", version.version(), version.size(), version.hash()),
          untimed(client.head("doc", version.version())));
    }
    assertEquals(3, client.head("doc").version());
    assertThrows(ObjectNotFoundException.class, () -> client.head("doc", 4));
    ObjectNotFoundException none = assertThrows(ObjectNotFoundException.class,
        () -> client.get("doc", 4, new ByteArrayOutputStream()));
    assertEquals("object doc has no version 4", none.getMessage());
  }

  @Test
  void aDeletedObjectIsMissingButItsOlderVersionsStayReadable() throws Exception {
    byte[] bytes = random(50_000, 7);
    client.put("doc", bytes);
    ObjectVersion tombstone = client.delete("doc");

    assertEquals(new ObjectVersion("doc", 2, 0, ""), untimed(tombstone));
    ObjectNotFoundException gone = assertThrows(ObjectNotFoundException.class,
        () -> client.get("doc", new ByteArrayOutputStream()));
    assertEquals("object doc was deleted at version 2", gone.getMessage());
    assertThrows(ObjectNotFoundException.class, () -> client.head("doc"));
    assertThrows(ObjectNotFoundException.class, () -> client.get("doc", 2, root.resolve("t")));
    assertThrows(ObjectNotFoundException.class, () -> client.delete("doc"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    client.get("doc", 1, out);
    assertArrayEquals(bytes, out.toByteArray());
    assertEquals(List.of(), client.list("doc").toList());
    assertEquals(2, client.versions("doc").count());
    assertEquals(3, client.put("doc", bytes).version());
    assertEquals(List.of(3L), client.list("").map(ObjectVersion::version).toList());
  }

  @Test
  void listingsPageThroughToTheEnd() throws Exception {
    OstoreClient paged = OstoreClient.builder(cluster.uri()).pageSize(7).build();
    byte[] bytes = {1, 2, 3};
    for (int i = 1; i <= 30; i++) {
      paged.put("many", bytes);
    }
    List<String> names = List.of("a", "m", "m2", "ma", "mz", "z");
    for (String name : names) {
      paged.put(name, bytes);
    }
    paged.delete("mz");

    assertEquals(LongStream.rangeClosed(1, 30).boxed().toList(),
        paged.versions("many").map(ObjectVersion::version).toList());
    assertEquals(List.of("a", "m", "m2", "ma", "many", "z"),
        paged.list("").map(ObjectVersion::name).toList());
    List<String> all = paged.allVersions("m").map(v -> v.name() + "@" + v.version()).toList();
    assertEquals(35, all.size());
    assertEquals(List.of("m@1", "m2@1", "ma@1", "many@1"), all.subList(0, 4));
    assertEquals(List.of("many@30", "mz@1", "mz@2"), all.subList(32, 35));
  }

  @Test
  void namesComeBackFromListingsExactly() throws Exception {
    List<String> names = List.of("say \"hi\"", "back\\slash\\", "ü-東京-🎉", "a+b&c=d",
        "tab?#", "x".repeat(255));
    for (String name : names) {
      client.put(name, name.getBytes(StandardCharsets.UTF_8));
    }
    // In the byte order of the names' UTF-8.
    List<String> sorted = names.stream().sorted(Comparator.comparing(
        (String n) -> n.getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned)).toList();
    assertEquals(sorted, client.list("").map(ObjectVersion::name).toList());
    for (String name : names) {
      assertEquals(List.of(name), client.versions(name).map(ObjectVersion::name).toList());
      assertEquals(List.of(name), client.allVersions(name).map(ObjectVersion::name).toList());
    }
  }

  @Test
  void aBodyThatDoesNotMatchItsDigestIsRefusedAndNothingRecorded() throws Exception {
    HttpClient raw = HttpClient.newHttpClient();
    HttpResponse<String> answer = raw.send(HttpRequest.newBuilder(
            cluster.uri().resolve("/objects/lie"))
        .header("Digest", "SHA-256=" + sha256(new byte[] {1}))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {2}))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, answer.statusCode());
    assertTrue(answer.body().startsWith("the body's SHA-256 is "), answer.body());
    assertEquals(List.of(), client.versions("lie").toList());
    assertThrows(ObjectNotFoundException.class, () -> client.head("lie"));
  }

  @Test
  void contentIsLocatedByItsHash() throws Exception {
    ObjectVersion stored = client.put("located", new byte[] {4, 5, 6});
    assertEquals(client.locate("located"), client.locateContent(stored.hash()));
    String hex = HexFormat.of().formatHex(Base64.getDecoder().decode(stored.hash()));
    assertEquals(client.locate("located"), client.locateContent(hex));
    assertThrows(BadRequestException.class, () -> client.locateContent("not a hash"));
  }

  @Test
  void anEmptyObjectRoundTripsVerified() throws Exception {
    ObjectVersion stored = client.put("empty", new byte[0]);
    assertEquals(new ObjectVersion("empty", 1, 0, sha256(new byte[0])), untimed(stored));
    assertEquals(0, client.get("empty", new ByteArrayOutputStream()));
    try (InputStream in = client.open("empty")) {
      assertEquals(-1, in.read());
    }
    assertEquals(0, client.head("empty").size());
  }

  /**
   * With INSTANT_UPLOAD=true the api server may answer a PUT of stored content before its body,
   * but only to a client waiting for 100 Continue. The SDK does not wait (HttpURLConnection
   * reports such an early answer as a failure), so its puts of known content still send the body,
   * which is checked, and succeed.
   */
  @Test
  void withInstantUploadOnPutsOfStoredContentStillSucceed() throws Exception {
    try (LocalCluster instant = LocalCluster.start(ApiServerConfig.embedded(
        new ServerAddress("127.0.0.1", 0), root.resolve("instant"), 2)
        .withInstantUpload(true))) {
      OstoreClient fast = OstoreClient.builder(instant.uri()).build();
      byte[] bytes = random(8 << 20, 9);
      Path file = root.resolve("big");
      Files.write(file, bytes);
      assertEquals(1, fast.put("big", bytes).version());
      for (int i = 2; i <= 4; i++) {
        assertEquals(new ObjectVersion("big", i, bytes.length, sha256(bytes)),
            untimed(i % 2 == 0 ? fast.put("big", bytes) : fast.put("big", file)));
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      fast.get("big", 3, out);
      assertArrayEquals(bytes, out.toByteArray());
    }
  }

  private static String sha256(byte[] bytes) {
    return FakeOstoreServer.sha256(bytes);
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
