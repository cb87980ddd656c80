package dev.ostore.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.TestData;
import dev.ostore.compress.Compression;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.locate.Locator;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.UploadRecord;
import dev.ostore.metadata.Version;
import dev.ostore.object.FakeDataServers;
import dev.ostore.object.FakeStore;
import dev.ostore.object.Layouts;
import dev.ostore.object.ObjectStore;
import dev.ostore.object.RepairQueue;
import dev.ostore.object.TransferLimit;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Resumable uploads through {@link Uploads}, on data servers in memory and SQLite metadata. */
@Timeout(60)
class UploadsTest {
  static final ObjectName NAME = ObjectName.of("big.bin");
  /** A stripe of the default 4+2 layout. */
  static final int STRIPE = 4 * 65536;
  /** How long a writer holds an upload without renewing its lease. */
  static final Duration LEASE = Duration.ofSeconds(30);

  @TempDir
  Path root;
  /** The uploads' clock; the live servers keep their own, so that they never expire. */
  final FakeClock clock = new FakeClock();
  FakeStore store;
  ExecutorService executor;
  FakeDataServers servers;
  Locator locator;
  MetadataStore metadata;
  Uploads uploads;
  ObjectStore objects;

  @BeforeEach
  void start() throws IOException {
    store = new FakeStore(root);
    executor = store.executor;
    servers = store.servers;
    locator = store.newLocator();
    metadata = store.metadata;
    uploads = newUploads(metadata);
    objects = store.objects(Compression.DEFAULT, locator);
  }

  /** Another api server's uploads, over {@code shared}: nothing of this one's memory. */
  Uploads newUploads(MetadataStore shared) {
    return newUploads(shared, TransferLimit.sizedToHeap());
  }

  /** The same, appending within {@code transfers}. */
  Uploads newUploads(MetadataStore shared, TransferLimit transfers) {
    return newUploads(shared, transfers, false, Compression.DEFAULT);
  }

  /** The same, with or without instant upload, compressing with {@code compression}. */
  Uploads newUploads(MetadataStore shared, TransferLimit transfers, boolean instantUpload,
      Compression compression) {
    return Uploads.create(shared, store.live, locator, servers, Layouts.DEFAULT, instantUpload,
        RepairQueue.NONE, executor, clock, Duration.ofHours(24), LEASE, compression, transfers);
  }

  @AfterEach
  void stop() {
    store.close();
  }

  @Test
  void anUploadInSeveralAppendsIsReadBackByteIdentical() throws IOException {
    byte[] bytes = TestData.randomBytes(3 * STRIPE + 12_345, 1);
    String token = startOf(bytes);
    assertEquals(100_000, append(token, 0, bytes, 0, 100_000).status().offset());
    assertEquals(STRIPE + 1, append(token, 100_000, bytes, 100_000, STRIPE + 1).status()
        .offset());
    Uploads.Status status = uploads.status(token);
    assertEquals(new Uploads.Status(token, NAME, STRIPE + 1, bytes.length,
        status.expires()), status);
    Uploads.Appended done = append(token, STRIPE + 1, bytes, STRIPE + 1, bytes.length);
    assertEquals(bytes.length, done.status().offset());
    assertEquals(Optional.of(ContentHash.sha256(bytes)), done.version().orElseThrow().hash());
    assertArrayEquals(bytes, read("big.bin"));
    assertEquals(0, servers.uploadShardCount(), "the upload's shards became the content's");
    assertEquals(ErrorCode.NOT_FOUND, codeOf(() -> uploads.status(token)));
  }

  @Test
  void aSmallAndAnEmptyObjectAreUploadedToo() throws IOException {
    byte[] small = TestData.randomBytes(1000, 2);
    Uploads.Appended done = append(startOf(small), 0, small, 0, small.length);
    assertEquals(1000, done.version().orElseThrow().size());
    assertArrayEquals(small, read("big.bin"));
    String empty = uploads.start(ObjectName.of("empty"), 0, Optional.empty()).upload()
        .orElseThrow().token();
    assertEquals(0, append(empty, 0, new byte[0], 0, 0).version().orElseThrow().size());
    assertArrayEquals(new byte[0], read("empty"));
  }

  @Test
  void anotherApiServerResumesByReadingTheHeldBytesBackEvenWithAShardMissing()
      throws IOException {
    byte[] bytes = TestData.randomBytes(2 * STRIPE + 5000, 3);
    String token = startOf(bytes);
    append(token, 0, bytes, 0, STRIPE + 777);
    // Shard 0, a data shard, is gone: the held bytes are decoded with parity.
    ServerAddress first = record(token).servers().get(0);
    servers.takeDown(first);
    try (MetadataStore other = MetadataStore.embedded(root.resolve("metadata.db"))) {
      Uploads second = newUploads(other);
      assertEquals(STRIPE + 777, second.status(token).offset());
      Uploads.Appended done = second.append(token, STRIPE + 777, OptionalLong.empty(),
          new ByteArrayInputStream(bytes, STRIPE + 777, bytes.length), Optional.empty());
      assertEquals(Optional.of(ContentHash.sha256(bytes)), done.version().orElseThrow().hash());
    }
    assertArrayEquals(bytes, read("big.bin"));
  }

  @Test
  void textIsStoredCompressedJustAsAPutStoresItWhereverItIsResumed() throws IOException {
    byte[] text = TestData.jsonLines(5 * STRIPE + 12_345, 4);
    String token = startOf(text);
    // Within the probe, which decides on the first stripe; then into its third block.
    assertEquals(100_000, append(token, 0, text, 0, 100_000).status().offset());
    assertEquals(2 * STRIPE + 3, append(token, 100_000, text, 100_000, 2 * STRIPE + 3).status()
        .offset());
    assertTrue(record(token).compressor().isPresent());
    try (MetadataStore other = MetadataStore.embedded(root.resolve("metadata.db"))) {
      // Another api server, with compression off: the upload goes on as it started.
      Uploads second = newUploads(other, TransferLimit.sizedToHeap(), false, Compression.OFF);
      int cut = 4 * STRIPE + 999;
      assertThrows(OstoreException.class, () -> second.append(token, 2 * STRIPE + 3,
          OptionalLong.empty(), breakingAfter(Arrays.copyOfRange(text, 2 * STRIPE + 3,
              text.length), cut - 2 * STRIPE - 3), Optional.empty()));
      assertEquals(cut, second.status(token).offset(), "all that arrived is kept");
      second.append(token, cut, OptionalLong.empty(),
          new ByteArrayInputStream(text, cut, text.length - cut), Optional.empty());
    }
    assertArrayEquals(text, read("big.bin"));
    ContentHash hash = ContentHash.sha256(text);
    var layout = metadata.layout(hash).orElseThrow();
    assertTrue(layout.storedSize() * 3 < text.length, layout.toString());
    try (FakeStore fresh = new FakeStore(root.resolve("fresh"))) {
      fresh.objects(Compression.DEFAULT).put(ObjectName.of("put"),
          ObjectStore.Body.of(text, Optional.empty()));
      assertEquals(fresh.metadata.layout(hash), Optional.of(layout), "as a PUT lays it out");
    }
    // So the same bytes PUT again are the same content, whatever way each came.
    objects.put(ObjectName.of("again"), ObjectStore.Body.of(text, Optional.empty()));
    assertArrayEquals(text, read("again"));
  }

  @Test
  void smallTextIsStoredCompressedInItsCopiesToo() throws IOException {
    byte[] text = TestData.logLines(30_000, 6);
    String token = startOf(text);
    append(token, 0, text, 0, 10_000);
    append(token, 10_000, text, 10_000, text.length);
    assertArrayEquals(text, read("big.bin"));
    var layout = metadata.layout(ContentHash.sha256(text)).orElseThrow();
    assertEquals("1+2/65536", layout.striping().toString());
    assertTrue(layout.storedSize() * 2 < text.length, layout.toString());
  }

  @Test
  void anUploadStartedWithCompressionOffIsStoredAsItCame() throws IOException {
    byte[] text = TestData.logLines(2 * STRIPE + 77, 5);
    Uploads off = newUploads(metadata, TransferLimit.sizedToHeap(), false, Compression.OFF);
    String token = off.start(NAME, text.length, Optional.empty()).upload().orElseThrow()
        .token();
    append(token, 0, text, 0, STRIPE + 5);
    append(token, STRIPE + 5, text, STRIPE + 5, text.length);
    assertArrayEquals(text, read("big.bin"));
    assertEquals(Optional.empty(), metadata.layout(ContentHash.sha256(text)).orElseThrow()
        .compressed());
  }

  @Test
  void aDeclaredDigestThatTheBytesDoNotHaveLeavesNothing() throws IOException {
    byte[] bytes = TestData.randomBytes(STRIPE + 10, 4);
    String token = uploads.start(NAME, bytes.length, Optional.of(ContentHash.sha256(new byte[1])))
        .upload().orElseThrow().token();
    append(token, 0, bytes, 0, 1000);
    OstoreException e = assertThrows(OstoreException.class,
        () -> append(token, 1000, bytes, 1000, bytes.length));
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertEquals("the " + bytes.length + " bytes uploaded hash to "
        + ContentHash.sha256(bytes).base64() + ", not to the declared "
        + ContentHash.sha256(new byte[1]).base64() + ": the upload is deleted", e.getMessage());
    assertEquals(ErrorCode.NOT_FOUND, codeOf(() -> uploads.status(token)));
    assertEquals(0, servers.uploadShardCount());
    assertEquals(0, servers.shardCount());
    assertEquals(Optional.empty(), metadata.latest(NAME.value()));
  }

  @Test
  void tokensNotSignedByThisClusterAreForbiddenAndExpiredOnesGone() throws IOException {
    String token = startOf(new byte[10]);
    String forbidden = "this upload token was not issued by this cluster";
    for (String bad : new String[] {"nonsense", token + "x", tampered(token, 0),
        tampered(token, 40), tampered(token, token.length() - 1),
        token.substring(0, 33) + "99999999999" + token.substring(token.indexOf('.', 33))}) {
      OstoreException e = assertThrows(OstoreException.class, () -> uploads.status(bad));
      assertEquals(ErrorCode.FORBIDDEN, e.code(), bad);
      assertEquals(forbidden, e.getMessage());
    }
    try (MetadataStore elsewhere = MetadataStore.embedded(root.resolve("other/metadata.db"))) {
      OstoreException e = assertThrows(OstoreException.class,
          () -> newUploads(elsewhere).status(token));
      assertEquals(ErrorCode.FORBIDDEN, e.code(), "another cluster's secret");
    }
    clock.advance(Duration.ofHours(24));
    OstoreException e = assertThrows(OstoreException.class,
        () -> append(token, 0, new byte[10], 0, 10));
    assertEquals(ErrorCode.GONE, e.code());
    assertEquals("upload " + token + " expired at " + record(token).expires(), e.getMessage());
  }

  @Test
  void anOffsetOtherThanTheBytesHeldIsRefusedWithThem() throws IOException {
    byte[] bytes = TestData.randomBytes(1000, 5);
    String token = startOf(bytes);
    append(token, 0, bytes, 0, 300);
    for (long offset : new long[] {0, 299, 301}) {
      OstoreException e = assertThrows(OstoreException.class,
          () -> append(token, offset, bytes, (int) offset, 1000));
      assertEquals(ErrorCode.WRONG_OFFSET, e.code());
      assertEquals("the upload holds 300 bytes: send the rest with Range: bytes=300-",
          e.getMessage());
    }
    append(token, 300, bytes, 300, 1000);
    assertArrayEquals(bytes, read("big.bin"));
  }

  @Test
  void aBodyPastTheSizeKeepsNothingOfIt() throws IOException {
    byte[] bytes = TestData.randomBytes(STRIPE + 100, 6);
    String token = startOf(bytes);
    append(token, 0, bytes, 0, 100);
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    for (OptionalLong length : new OptionalLong[] {
        OptionalLong.of(longer.length - 100), OptionalLong.empty()}) {
      OstoreException e = assertThrows(OstoreException.class, () -> uploads.append(token, 100,
          length, new ByteArrayInputStream(longer, 100, longer.length), Optional.empty()));
      assertEquals(ErrorCode.BAD_REQUEST, e.code());
      assertEquals("the body would end at byte " + longer.length + ", past the "
          + bytes.length + " bytes of the upload: nothing of it was kept", e.getMessage());
      assertEquals(100, uploads.status(token).offset());
    }
    append(token, 100, bytes, 100, bytes.length);
    assertArrayEquals(bytes, read("big.bin"));
  }

  @Test
  void aBodyCutShortKeepsWhatArrived() throws IOException {
    assertACutBodyKeepsWhatArrived(7, UploadsTest::breakingAfter);
  }

  /**
   * A body that stalls past the lease, then breaks off (the server's idle timeout), keeps what
   * arrived: no other request took the upload meanwhile.
   */
  @Test
  void aBodyStalledPastItsLeaseThenCutKeepsWhatArrived() throws IOException {
    assertACutBodyKeepsWhatArrived(17, (bytes, cut) -> stallingThenBreaking(bytes, cut, () -> { }));
  }

  /** An append of a body that {@code cutting} breaks off keeps what arrived; the rest follows. */
  void assertACutBodyKeepsWhatArrived(long seed, BiFunction<byte[], Integer, InputStream> cutting)
      throws IOException {
    byte[] bytes = TestData.randomBytes(3 * STRIPE, seed);
    String token = startOf(bytes);
    int cut = STRIPE + 4321;
    OstoreException e = assertThrows(OstoreException.class, () -> uploads.append(token, 0,
        OptionalLong.of(bytes.length), cutting.apply(bytes, cut), Optional.empty()));
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertEquals(cut, uploads.status(token).offset());
    append(token, cut, bytes, cut, bytes.length);
    assertArrayEquals(bytes, read("big.bin"));
  }

  /** Past its lease, a stalled request may find another took the upload: it keeps nothing. */
  @Test
  void aBodyStalledWhileAnotherRequestTookTheUploadKeepsNothing() throws IOException {
    byte[] bytes = TestData.randomBytes(3 * STRIPE, 18);
    String token = startOf(bytes);
    Uploads other = newUploads(metadata);
    OstoreException e = assertThrows(OstoreException.class, () -> uploads.append(token, 0,
        OptionalLong.of(bytes.length), stallingThenBreaking(bytes, STRIPE + 4321,
            () -> other.append(token, 0, OptionalLong.of(1000),
                new ByteArrayInputStream(bytes, 0, 1000), Optional.empty())),
        Optional.empty()));
    assertEquals(ErrorCode.CONFLICT, e.code());
    assertEquals(1000, uploads.status(token).offset(), "the other request's bytes");
    append(token, 1000, bytes, 1000, bytes.length);
    assertArrayEquals(bytes, read("big.bin"));
  }

  /**
   * The first {@code cut} of {@code bytes}; then, read again, it stalls past the lease (the
   * clock moves on), runs {@code meanwhile}, and breaks off as an idle timeout breaks a body.
   */
  InputStream stallingThenBreaking(byte[] bytes, int cut, Call meanwhile) {
    return new java.io.SequenceInputStream(new ByteArrayInputStream(bytes, 0, cut),
        new InputStream() {
          @Override
          public int read() throws IOException {
            clock.advance(LEASE.plusSeconds(1));
            meanwhile.run();
            throw new IOException("idle timeout");
          }
        });
  }

  @Test
  void aBodyOfAnotherChecksumKeepsNothingOfIt() throws IOException {
    byte[] bytes = TestData.randomBytes(2 * STRIPE, 8);
    String token = startOf(bytes);
    byte[] wrong = ContentHash.sha256(new byte[1]).bytes();
    OstoreException e = assertThrows(OstoreException.class, () -> uploads.append(token, 0,
        OptionalLong.empty(), new ByteArrayInputStream(bytes, 0, STRIPE + 5),
        Optional.of(wrong)));
    assertEquals(ErrorCode.CHECKSUM_MISMATCH, e.code());
    assertEquals(0, uploads.status(token).offset());
    byte[] right = ContentHash.sha256(Arrays.copyOf(bytes, STRIPE + 5)).bytes();
    assertEquals(STRIPE + 5, uploads.append(token, 0, OptionalLong.empty(),
        new ByteArrayInputStream(bytes, 0, STRIPE + 5), Optional.of(right)).status().offset());
  }

  @Test
  void aSecondWriterGetsAConflictWhileTheFirstWrites() throws Exception {
    byte[] bytes = TestData.randomBytes(2 * STRIPE, 9);
    String token = startOf(bytes);
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InputStream slow = TestData.stallingAfter(Arrays.copyOf(bytes, 1000), 1000, reading,
        release);
    Future<Uploads.Appended> first = executor.submit(
        () -> uploads.append(token, 0, OptionalLong.empty(), slow, Optional.empty()));
    reading.await();
    OstoreException e = assertThrows(OstoreException.class,
        () -> append(token, 0, bytes, 0, 10));
    assertEquals(ErrorCode.CONFLICT, e.code());
    release.countDown();
    assertEquals(1000, first.get().status().offset());
    append(token, 1000, bytes, 1000, bytes.length);
    assertArrayEquals(bytes, read("big.bin"));
  }

  /** A cancel does not come between a writer and its record: it waits for the writer. */
  @Test
  void aCancelWhileARequestWritesIsAConflictAndTheUploadCompletes() throws Exception {
    StalledWriter writer = stalledWriter(15);
    OstoreException e = assertThrows(OstoreException.class, () -> uploads.cancel(writer.token));
    assertEquals(ErrorCode.CONFLICT, e.code());
    assertEquals("upload " + writer.token + " is being written by another request: cancel it"
        + " once that is done", e.getMessage());
    writer.go.countDown();
    assertEquals(Optional.of(ContentHash.sha256(writer.bytes)),
        writer.writing.get().version().orElseThrow().hash());
    assertArrayEquals(writer.bytes, read(NAME.value()));
    assertEquals(ErrorCode.NOT_FOUND, codeOf(() -> uploads.cancel(writer.token)));
  }

  /** A writer stalled past its lease may be cancelled; it then records nothing. */
  @Test
  void aWriterWhoseLeaseLapsedFindsItsUploadCancelledAndRecordsNothing() throws Exception {
    StalledWriter writer = stalledWriter(16);
    clock.advance(LEASE.plusSeconds(1));
    uploads.cancel(writer.token);
    writer.go.countDown();
    ExecutionException e = assertThrows(ExecutionException.class, writer.writing::get);
    assertEquals(ErrorCode.NOT_FOUND, ((OstoreException) e.getCause()).code());
    assertEquals("upload " + writer.token + " was cancelled meanwhile",
        e.getCause().getMessage());
    assertEquals(Optional.empty(), metadata.latest(NAME.value()));
    assertEquals(0, servers.uploadShardCount());
  }

  /** An append under way, waiting for its last byte until {@code go} opens. */
  record StalledWriter(String token, byte[] bytes, Future<Uploads.Appended> writing,
      CountDownLatch go) {}

  /** Starts appending all of an upload's bytes (from {@code seed}) but the last, and waits. */
  StalledWriter stalledWriter(long seed) throws Exception {
    byte[] bytes = TestData.randomBytes(STRIPE + 10, seed);
    String token = startOf(bytes);
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    Future<Uploads.Appended> writing = executor.submit(() -> uploads.append(token, 0,
        OptionalLong.of(bytes.length), TestData.stallingAfter(bytes, bytes.length - 1, stalled,
            go), Optional.empty()));
    stalled.await();
    return new StalledWriter(token, bytes, writing, go);
  }

  @Test
  void aDataServerFailingMidAppendIsLeftOutAndTwoFailAppendsNothing() throws IOException {
    byte[] bytes = TestData.randomBytes(4 * STRIPE, 10);
    String token = startOf(bytes);
    UploadRecord upload = record(token);
    servers.failNextUploadAfter(upload.servers().get(1), 65536);
    append(token, 0, bytes, 0, 2 * STRIPE);
    assertEquals(java.util.Set.of(1), record(token).failed());
    servers.failNextUploadAfter(upload.servers().get(2), 0);
    servers.failNextUploadAfter(upload.servers().get(5), 65536);
    OstoreException e = assertThrows(OstoreException.class,
        () -> append(token, 2 * STRIPE, bytes, 2 * STRIPE, bytes.length));
    assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
    assertEquals(2 * STRIPE, uploads.status(token).offset());
    append(token, 2 * STRIPE, bytes, 2 * STRIPE, bytes.length);
    assertArrayEquals(bytes, read("big.bin"));
    assertEquals(5, servers.shardsOf(ContentHash.sha256(bytes)).size());
  }

  @Test
  void contentStoredAlreadyIsRecordedAtTheStartWithInstantUpload() throws IOException {
    byte[] bytes = TestData.randomBytes(STRIPE, 11);
    objects.put(ObjectName.of("first"), ObjectStore.Body.of(bytes, Optional.empty()));
    uploads = newUploads(metadata, TransferLimit.sizedToHeap(), true, Compression.DEFAULT);
    Uploads.Started started = uploads.start(NAME, bytes.length,
        Optional.of(ContentHash.sha256(bytes)));
    assertEquals(Optional.empty(), started.upload());
    Version recorded = started.version().orElseThrow();
    assertEquals(new Version(NAME.value(), 1, bytes.length,
        Optional.of(ContentHash.sha256(bytes)), recorded.created()), recorded);
    assertEquals(Optional.of(recorded), metadata.latest(NAME.value()));
    assertArrayEquals(bytes, read(NAME.value()));
  }

  /** Knowing a hash is not enough to claim its content: the bytes are sent, and checked. */
  @Test
  void contentStoredAlreadyIsUploadedAgainWithoutInstantUploadAndStoredOnce()
      throws IOException {
    byte[] bytes = TestData.randomBytes(STRIPE + 10, 13);
    objects.put(ObjectName.of("first"), ObjectStore.Body.of(bytes, Optional.empty()));
    ContentHash hash = ContentHash.sha256(bytes);
    Uploads.Started claimed = uploads.start(NAME, bytes.length, Optional.of(hash));
    assertEquals(Optional.empty(), claimed.version());
    assertEquals(Optional.empty(), metadata.latest(NAME.value()));
    byte[] other = TestData.randomBytes(bytes.length, 14);
    String token = claimed.upload().orElseThrow().token();
    assertEquals(ErrorCode.BAD_REQUEST, codeOf(() -> append(token, 0, other, 0, other.length)));
    assertEquals(Optional.empty(), metadata.latest(NAME.value()));
    Uploads.Appended done = append(startOf(bytes), 0, bytes, 0, bytes.length);
    assertEquals(Optional.of(hash), done.version().orElseThrow().hash());
    assertArrayEquals(bytes, read(NAME.value()));
    assertEquals(6, servers.shardsOf(hash).values().stream().mapToInt(List::size).sum(),
        "stored once: the first PUT's six shards");
    assertEquals(0, servers.uploadShardCount());
  }

  @Test
  void cancelledAndExpiredUploadsLeaveNothing() throws IOException {
    byte[] bytes = TestData.randomBytes(2 * STRIPE, 12);
    String cancelled = startOf(bytes);
    append(cancelled, 0, bytes, 0, STRIPE + 1);
    uploads.cancel(cancelled);
    assertEquals(ErrorCode.NOT_FOUND, codeOf(() -> uploads.status(cancelled)));
    String expired = startOf(bytes);
    append(expired, 0, bytes, 0, STRIPE + 1);
    assertEquals(0, uploads.sweep());
    clock.advance(Duration.ofHours(24));
    assertEquals(1, uploads.sweep());
    assertEquals(0, servers.uploadShardCount());
    assertEquals(Optional.empty(), metadata.upload(expired.substring(0, 32)));
  }

  /**
   * An append takes a slot of the transfers a PUT or GET takes, before its body: with none free
   * within the wait it is {@code BUSY}, and the upload holds what it held.
   */
  @Test
  void anAppendWithNoTransferSlotFreeIsBusyAndKeepsNothing() throws IOException {
    TransferLimit limit = TransferLimit.of(1, Duration.ofMillis(50));
    uploads = newUploads(metadata, limit);
    byte[] bytes = TestData.randomBytes(STRIPE + 100, 7);
    String token = startOf(bytes);
    try (TransferLimit.Slot taken = limit.take("a GET")) {
      OstoreException busy = assertThrows(OstoreException.class,
          () -> append(token, 0, bytes, 0, bytes.length));
      assertEquals(ErrorCode.BUSY, busy.code());
      assertEquals("too many transfers in progress on this server (1, none ended within 50 ms)"
          + " to take upload of " + NAME.value(), busy.getMessage());
    }
    assertEquals(0, uploads.status(token).offset());
    assertEquals(bytes.length, append(token, 0, bytes, 0, bytes.length).status().offset());
    assertEquals(0, limit.running());
    assertArrayEquals(bytes, read(NAME.value()));
  }

  String startOf(byte[] bytes) throws IOException {
    return uploads.start(NAME, bytes.length, Optional.of(ContentHash.sha256(bytes))).upload()
        .orElseThrow().token();
  }

  Uploads.Appended append(String token, long offset, byte[] bytes, int from, int to)
      throws IOException {
    return uploads.append(token, offset, OptionalLong.of(to - from),
        new ByteArrayInputStream(bytes, from, to - from), Optional.empty());
  }

  UploadRecord record(String token) throws IOException {
    return metadata.upload(token.substring(0, 32)).orElseThrow();
  }

  byte[] read(String name) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectStore.Content content = objects.open(
        objects.resolve(ObjectName.of(name), OptionalLong.empty()))) {
      content.copyTo(out);
    }
    return out.toByteArray();
  }

  static String tampered(String token, int at) {
    char c = token.charAt(at);
    return token.substring(0, at) + (c == 'a' ? 'b' : 'a') + token.substring(at + 1);
  }

  static InputStream breakingAfter(byte[] bytes, int cut) {
    return new java.io.SequenceInputStream(new ByteArrayInputStream(bytes, 0, cut),
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("connection reset");
          }
        });
  }

  interface Call {
    void run() throws IOException;
  }

  static ErrorCode codeOf(Call call) {
    return assertThrows(OstoreException.class, call::run).code();
  }
}
