package dev.ostore.server.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.ShardId;
import dev.ostore.TcpProxy;
import dev.ostore.TestData;
import dev.ostore.bus.MessageBus;
import dev.ostore.dataserver.DataServerClient;
import dev.ostore.dataserver.BlockAppend;
import dev.ostore.dataserver.DataServerClient.Hold;
import dev.ostore.dataserver.HeldShard;
import dev.ostore.dataserver.HeldWhole;
import dev.ostore.dataserver.ListedShard;
import dev.ostore.dataserver.ListedWhole;
import dev.ostore.dataserver.PendingShard;
import dev.ostore.dataserver.ShardWriter;
import dev.ostore.dataserver.ShardWrite;
import dev.ostore.dataserver.UploadShardId;
import dev.ostore.erasure.Striping;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.storage.ShardLayout;
import dev.ostore.stream.GetStream;
import dev.ostore.stream.PutStream;
import dev.ostore.stream.Transfers;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link DataServerClient} does, against a real data server on a loopback port: over
 * HTTP ({@link HttpDataServerClientTest}) and by calling it in this process ({@link
 * InProcessDataServerClientTest}).
 */
@Timeout(30)
abstract class DataServerClientContract {
  static final ContentHash HASH = ContentHash.sha256("object".getBytes(UTF_8));
  static final Striping STRIPING = new Striping(4, 2, 100);
  /** A 1,000-byte object's shards have 3 blocks (100, 100, 50 bytes). */
  static final ShardLayout LAYOUT = ShardLayout.of(STRIPING, 1000);
  static final Duration HOLD_FOR = Duration.ofDays(7);
  static final Instant START = FakeClock.START;
  /** The resumable upload of shard 1 the tests of uploads append to, and its shard's bytes. */
  static final UploadShardId UPLOAD = UploadShardId.parse("00112233445566778899aabbccddeeff.1");
  static final byte[] UPLOADED = TestData.randomBytes(250, 41);
  static final Instant EXPIRES = FakeClock.START.plus(Duration.ofHours(1));
  /** The shard the tests of big shards' files store, as a whole copy. */
  static final ShardId WHOLE_COPY = new ShardId(HASH, 0);

  @TempDir
  Path root;
  MessageBus bus;
  DataServer server;
  ExecutorService executor = Executors.newCachedThreadPool();
  ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  Transfers transfers;
  DataServerClient client;
  final FakeClock clock = new FakeClock();

  @BeforeEach
  void start() throws Exception {
    bus = MessageBus.inMemory();
    server = startServer();
    transfers = Transfers.create(executor, scheduler, InstantSource.system(),
        Duration.ofSeconds(2), Duration.ofSeconds(10));
    client = client(transfers);
  }

  /** The client under test, talking HTTP through {@code transfers} where it does. */
  abstract DataServerClient client(Transfers transfers);

  /** Tells the client of a data server started, as its own kind of client needs. */
  void started(DataServer server) {}

  /** A data server on {@link #root}, on the fake clock, holding shards for a week. */
  private DataServer startServer() throws IOException {
    return startServer(TestConfig.at(root));
  }

  private DataServer startServer(TestConfig config) throws IOException {
    DataServer started = DataServer.start(config.maxTempObjects(8).holdFor(HOLD_FOR).build(),
        bus, clock);
    started(started);
    return started;
  }

  @AfterEach
  void stop() {
    transfers.close();
    server.close();
    bus.close();
    executor.shutdownNow();
    scheduler.shutdownNow();
  }

  @Test
  void anUploadedShardReadsBackWholeAndByBlocks() throws IOException {
    ShardId id = new ShardId(HASH, 1);
    byte[] bytes = TestData.randomBytes(250, 1);
    upload(id, bytes);
    assertArrayEquals(bytes, read(id, 0, 3));
    assertArrayEquals(Arrays.copyOfRange(bytes, 100, 200), read(id, 1, 2));
    assertArrayEquals(Arrays.copyOfRange(bytes, 200, 250), read(id, 2, 3));
    assertArrayEquals(new byte[0], read(id, 1, 1));
    upload(id, TestData.randomBytes(250, 2)); // stored already: accepted, the first kept
    assertArrayEquals(bytes, read(id, 0, 3));
  }

  @Test
  void aShardHeldUnderAnotherLayoutIsRefusedBeforeAnyByte() throws IOException {
    ShardId id = new ShardId(HASH, 1);
    upload(id, TestData.randomBytes(250, 1));
    ShardLayout other = new ShardLayout(LAYOUT.dataShards(), LAYOUT.parityShards(),
        LAYOUT.chunkSize(), LAYOUT.objectSize() - 1);

    OstoreException e = assertThrows(OstoreException.class,
        () -> client.read(server.address(), id, other, 0, 3));

    assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
    assertTrue(e.getMessage().contains("it holds it as " + LAYOUT.layoutText() + " of "
        + LAYOUT.objectSize() + " bytes, not as " + LAYOUT.layoutText() + " of "
        + other.objectSize() + " bytes"), e.getMessage());
  }

  @Test
  void aShardSentWholeIsStoredOnceAndReadsBackAfterARestart() throws IOException {
    ShardId id = new ShardId(HASH, 2);
    byte[] bytes = TestData.randomBytes(250, 3);
    assertEquals(ShardWrite.STORED, store(id, bytes));
    assertArrayEquals(Arrays.copyOfRange(bytes, 100, 250), read(id, 1, 3));
    assertEquals(ShardWrite.KEPT_EXISTING, store(id, TestData.randomBytes(250, 4)));

    server.close();
    server = startServer();

    assertArrayEquals(bytes, read(id, 0, 3));
  }

  @Test
  void aFullDataServerRefusesNewShardsAsInsufficientStorageAndServesWhatItHolds()
      throws IOException {
    ShardId id = new ShardId(HASH, 2);
    byte[] bytes = TestData.randomBytes(250, 40);
    assertEquals(ShardWrite.STORED, store(id, bytes));
    server.close();
    server = startServer(TestConfig.at(root).full());

    for (Executable write : List.<Executable>of(() -> upload(new ShardId(HASH, 3), bytes),
        () -> store(new ShardId(HASH, 4), bytes))) {
      OstoreException e = assertThrows(OstoreException.class, write);
      assertEquals(ErrorCode.INSUFFICIENT_STORAGE, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("no room for shard"), e.getMessage());
    }
    assertArrayEquals(bytes, read(id, 0, 3));
  }

  @Test
  void shardsSentWholeBeforeAnyIsAwaitedAreAllStored() throws Exception {
    List<PendingShard> pending = new ArrayList<>();
    List<byte[]> shards = new ArrayList<>();
    for (int i = 0; i < STRIPING.totalShards(); i++) {
      shards.add(TestData.randomBytes(250, 20 + i));
      pending.add(client.store(server.address(), new ShardId(HASH, i), STRIPING,
          LAYOUT.objectSize(), shards.get(i)));
    }
    // As a sender of several waits first: all of them settle.
    CompletableFuture.allOf(pending.stream().map(PendingShard::settled)
        .toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    for (int i = 0; i < pending.size(); i++) {
      assertEquals(ShardWrite.STORED, pending.get(i).await());
      assertArrayEquals(shards.get(i), read(new ShardId(HASH, i), 0, 3));
    }
  }

  @Test
  void aShardSentWholeToAServerStoppedFailsAsUnreachableNamingServerAndShard() {
    ServerAddress stopped = server.address();
    server.close();
    ShardId id = new ShardId(HASH, 5);

    OstoreException e = assertThrows(OstoreException.class, () -> client.store(stopped, id,
        STRIPING, LAYOUT.objectSize(), new byte[250]).await());

    assertEquals(ErrorCode.DATA_SERVER_UNREACHABLE, e.code());
    assertTrue(e.getMessage().contains("shard " + id + " on " + stopped), e.getMessage());
  }

  @Test
  void aShardCorruptInItsFirstBlockIsNotHeld() throws IOException {
    ShardLayout big = new ShardLayout(1, 0, 65536, 2 * 65536);
    uploadWholeCopy(big, 7);
    flipStoredByte(length -> length / 4); // in the first block

    assertThrows(NoSuchFileException.class, () -> client.read(server.address(), WHOLE_COPY, big,
        0, 2));
  }

  @Test
  void aShardWhoseHeaderIsCorruptIsNotHeld() throws IOException {
    ShardLayout big = new ShardLayout(1, 0, 65536, 2 * 65536);
    uploadWholeCopy(big, 5);
    flipStoredByte(length -> 5);

    assertThrows(NoSuchFileException.class, () -> client.read(server.address(), WHOLE_COPY, big,
        0, 2));
  }

  @Test
  void aShardNotHeldIsNoSuchFile() {
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> client.read(server.address(), new ShardId(HASH, 0), LAYOUT, 0, 1));
    assertTrue(e.getMessage().contains(HASH.hex() + ".0"), e.getMessage());
  }

  @Test
  void finishNamesTheShardByTheHashGivenAtTheEnd() throws IOException {
    ContentHash other = ContentHash.sha256("other".getBytes(UTF_8));
    byte[] bytes = TestData.randomBytes(250, 7);
    try (ShardWriter writer = client.upload(server.address(), 5, STRIPING)) {
      writeBlocks(writer, LAYOUT, bytes);
      assertEquals(ShardWrite.STORED, writer.finish(other, LAYOUT.objectSize()));
    }
    assertArrayEquals(bytes, read(new ShardId(other, 5), 0, 3));
  }

  /** Written block by block, or handed over as the encoder does ({@link #handOverBlocks}). */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aShardOfManyBlocksSentOneByOneReadsBackWhole(boolean handedOver) throws IOException {
    ShardLayout layout = ShardLayout.of(STRIPING, 50_150); // 126 blocks, the last of 38 bytes
    byte[] bytes = TestData.randomBytes((int) layout.shardLength(), 6);
    ShardId id = new ShardId(HASH, 0);
    try (ShardWriter writer = client.upload(server.address(), id.index(), STRIPING)) {
      if (handedOver) {
        handOverBlocks(writer, layout, bytes);
      } else {
        writeBlocks(writer, layout, bytes);
      }
      writer.finish(HASH, layout.objectSize());
    }
    try (InputStream in = client.read(server.address(), id, layout, 0, layout.blockCount())) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
  }

  @Test
  void aBlockLongerThanAChunkFailsTheUploadAndStoresNothing() {
    try (ShardWriter writer = client.upload(server.address(), 1, STRIPING)) {
      assertThrows(IOException.class, () -> {
        writer.writeBlock(new byte[150], 0, 150);
        writer.writeBlock(new byte[100], 0, 100);
        writer.finish(HASH, LAYOUT.objectSize());
      });
    } catch (IOException e) {
      throw new AssertionError("the upload could not even start", e);
    }
    assertThrows(NoSuchFileException.class, () -> read(new ShardId(HASH, 1), 0, 3));
  }

  @Test
  void anUploadShortOfTheShardsLengthFailsAndStoresNothing() throws IOException {
    ShardId id = new ShardId(HASH, 2);
    try (ShardWriter writer = client.upload(server.address(), 2, STRIPING)) {
      byte[] bytes = TestData.randomBytes(200, 3);
      writer.writeBlock(bytes, 0, 100);
      writer.writeBlock(bytes, 100, 100);
      OstoreException e = assertThrows(OstoreException.class,
          () -> writer.finish(HASH, LAYOUT.objectSize()));
      // The server's refusal is the api server's failure, with the server's reason in it.
      assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
      assertTrue(e.getMessage().contains(id.toString()), e.getMessage());
      assertTrue(e.getMessage().contains(server.address().toString()), e.getMessage());
      assertTrue(e.getMessage().contains("250"), e.getMessage());
    }
    assertThrows(NoSuchFileException.class, () -> read(id, 0, 3));
  }

  @Test
  void anAbortedUploadStoresNothing() throws Exception {
    ShardId id = new ShardId(HASH, 3);
    try (ShardWriter writer = client.upload(server.address(), 3, STRIPING)) {
      writer.writeBlock(TestData.randomBytes(100, 4), 0, 100);
      writer.abort();
      writer.abort();
    }
    assertThrows(NoSuchFileException.class, () -> read(id, 0, 3));
    // The server sees the cut once its read fails; its temporary file then goes.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (filesUnder("temp") > 0) {
      assertTrue(System.nanoTime() < deadline, "the cut upload's file stayed");
      Thread.sleep(10);
    }
  }

  @Test
  void deleteSaysWhetherTheServerHeldTheShard() throws IOException {
    ShardId id = new ShardId(HASH, 4);
    upload(id, TestData.randomBytes(250, 5));
    assertTrue(client.delete(server.address(), id));
    assertFalse(client.delete(server.address(), id));
    assertThrows(NoSuchFileException.class, () -> read(id, 0, 3));
  }

  @Test
  void aShardWrittenSinceIsNotHeldAndAHeldOneIsNeitherReadNorListedUntilRestored()
      throws IOException {
    ShardId id = new ShardId(HASH, 4);
    byte[] bytes = TestData.randomBytes(250, 10);
    upload(id, bytes);
    assertEquals(List.of(new ListedShard(id, STRIPING, 1000, START)),
        client.list(server.address(), Optional.empty(), 10));
    clock.advance(Duration.ofMinutes(1));
    assertEquals(Hold.WRITTEN_SINCE, hold(id, START));
    assertArrayEquals(bytes, read(id, 0, 3));
    assertEquals(Hold.HELD, hold(id, START.plusMillis(1)));
    assertEquals(Hold.ABSENT, hold(id, clock.instant()));
    assertThrows(NoSuchFileException.class, () -> read(id, 0, 3));
    assertEquals(List.of(), client.list(server.address(), Optional.empty(), 10));
    assertEquals(List.of(new HeldShard(id, clock.instant())),
        client.listHeld(server.address(), Optional.empty(), 10));
    assertTrue(client.restore(server.address(), id));
    assertFalse(client.restore(server.address(), id));
    assertArrayEquals(bytes, read(id, 0, 3));
    assertEquals(List.of(), client.listHeld(server.address(), Optional.empty(), 10));
  }

  @Test
  void aBatchHoldAnswersEachShardInOrderAndTheHeldOnesCanBeRestored() throws IOException {
    ShardId old = new ShardId(HASH, 0);
    ShardId absent = new ShardId(HASH, 1);
    ShardId recent = new ShardId(HASH, 2);
    byte[] bytes = TestData.randomBytes(250, 20);
    upload(old, bytes);
    clock.advance(Duration.ofMinutes(1));
    Instant condemned = clock.instant();
    upload(recent, TestData.randomBytes(250, 21));
    Map<ShardId, Hold> answers =
        client.hold(server.address(), List.of(recent, absent, old, recent), condemned);
    assertEquals(List.of(recent, absent, old), List.copyOf(answers.keySet()));
    assertEquals(Map.of(recent, Hold.WRITTEN_SINCE, absent, Hold.ABSENT, old, Hold.HELD),
        answers);
    assertEquals(List.of(recent), client.list(server.address(), Optional.empty(), 10).stream()
        .map(ListedShard::id).toList());
    assertEquals(List.of(new HeldShard(old, condemned)),
        client.listHeld(server.address(), Optional.empty(), 10));
    assertThrows(NoSuchFileException.class, () -> read(old, 0, 3));
    assertTrue(client.restore(server.address(), old));
    assertArrayEquals(bytes, read(old, 0, 3));
    assertEquals(List.of(), client.listHeld(server.address(), Optional.empty(), 10));
  }

  @Test
  void aHoldOfMoreShardsThanOneRequestTakesIsSentInSeveral() throws IOException {
    List<ShardId> ids = new ArrayList<>();
    for (int i = 0; i <= DataServerClient.MAX_HOLD; i++) {
      ids.add(new ShardId(ContentHash.sha256(("content " + i).getBytes(UTF_8)), 0));
    }
    ShardId last = ids.get(ids.size() - 1); // in the second request
    upload(last, TestData.randomBytes(250, 22));
    Map<ShardId, Hold> answers =
        client.hold(server.address(), ids, clock.instant().plusSeconds(1));
    assertEquals(ids, List.copyOf(answers.keySet()));
    assertEquals(Hold.HELD, answers.get(last));
    assertEquals(DataServerClient.MAX_HOLD,
        answers.values().stream().filter(Hold.ABSENT::equals).count());
    assertEquals(List.of(last), client.listHeld(server.address(), Optional.empty(), 10).stream()
        .map(HeldShard::id).toList());
  }

  @Test
  void anEmptyBatchHoldAsksNoServer() throws IOException {
    // Held, so that nothing listens there: a hold that asked would fail, not be answered.
    try (Socket nothingListens = TcpProxy.reservedPort()) {
      ServerAddress nobody = new ServerAddress("127.0.0.1", nothingListens.getLocalPort());
      assertEquals(Map.of(), client.hold(nobody, List.of(), START));
    }
  }

  @Test
  void aBatchHoldAnsweredWronglyFailsNamingTheServer() throws Exception {
    ShardId a = new ShardId(HASH, 0);
    ShardId b = new ShardId(HASH, 1);
    Map<String, String> wrongs = Map.of(
        a + " held\n", "with 1 lines",
        a + " held\n" + b + " gone\n", "not a hold's answer: " + b + " gone",
        a + " held\n" + b + " held\n" + a + " absent\n", "with 3 lines",
        b + " held\n" + a + " held\n", "with " + b + " where " + a + " was due");
    try (ServerSocket wire = new ServerSocket(0)) {
      ServerAddress fake = new ServerAddress("127.0.0.1", wire.getLocalPort());
      for (Map.Entry<String, String> wrong : wrongs.entrySet()) {
        Future<?> served = executor.submit(() -> answerOnce(wire, "",
            wrong.getKey().getBytes(UTF_8)));
        IOException e = assertThrows(IOException.class,
            () -> client.hold(fake, List.of(a, b), START));
        assertTrue(e.getMessage().contains("data server " + fake + " answered a hold of 2 "
            + "shards") && e.getMessage().contains(wrong.getValue()), e.getMessage());
        served.get();
      }
    }
  }

  @Test
  void storingAShardAgainKeepsItFromAHoldThatBeganBefore() throws IOException {
    ShardId id = new ShardId(HASH, 0);
    assertEquals(ShardWrite.STORED, upload(id, TestData.randomBytes(250, 11)));
    clock.advance(Duration.ofHours(1));
    Instant condemned = clock.instant();
    assertEquals(ShardWrite.KEPT_EXISTING, upload(id, TestData.randomBytes(250, 12)),
        "kept existing, written now");
    assertEquals(Hold.WRITTEN_SINCE, hold(id, condemned));
    assertEquals(Hold.ABSENT, hold(new ShardId(HASH, 1), condemned));
  }

  @Test
  void heldShardsSurviveARestartPagedInOrderAndArePurgedAfterTheHoldPeriod()
      throws IOException {
    List<ShardId> ids = List.of(new ShardId(HASH, 2), new ShardId(HASH, 5));
    for (ShardId id : ids) {
      upload(id, TestData.randomBytes(250, 13 + id.index()));
      clock.advance(Duration.ofHours(1));
      assertEquals(Hold.HELD, hold(id, clock.instant()));
    }
    server.close();
    clock.advance(HOLD_FOR.minusHours(1));
    server = startServer(); // purges the first, held a week ago now
    assertEquals(List.of(new HeldShard(ids.get(1), START.plus(Duration.ofHours(2)))),
        client.listHeld(server.address(), Optional.empty(), 10));
    assertEquals(List.of(), client.listHeld(server.address(), Optional.of(ids.get(1)), 10));
    assertFalse(client.restore(server.address(), ids.get(0)));
    assertTrue(client.restore(server.address(), ids.get(1)));
    assertEquals(List.of(ids.get(1)), client.list(server.address(), Optional.empty(), 10)
        .stream().map(ListedShard::id).toList());
  }

  @Test
  void anUnreachableServerFailsAtOnceNamingServerAndShard() throws IOException {
    try (Socket nothingListens = TcpProxy.reservedPort()) {
      ServerAddress nobody = new ServerAddress("127.0.0.1", nothingListens.getLocalPort());
      IOException e = assertThrows(IOException.class, () -> client.upload(nobody, 4, STRIPING));
      assertTrue(e.getMessage().contains(nobody.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("shard 4"), e.getMessage());
    }
  }

  @Test
  void aShardOfManyBlocksReadsBackWholeAndFromItsMiddle() throws IOException {
    ShardLayout big = new ShardLayout(1, 0, 65536, 9 * 65536 - 5);
    byte[] bytes = uploadWholeCopy(big, 8);
    try (InputStream in = client.read(server.address(), WHOLE_COPY, big, 0, 9)) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
    try (InputStream in = client.read(server.address(), WHOLE_COPY, big, 3, 9)) {
      assertArrayEquals(Arrays.copyOfRange(bytes, 3 * 65536, bytes.length), in.readAllBytes());
    }
  }

  @Test
  void aShardCorruptMidwayIsACutStreamNeverWrongBytes() throws IOException {
    ShardLayout big = new ShardLayout(1, 0, 65536, 8 * 65536);
    uploadWholeCopy(big, 6);
    flipStoredByte(length -> length - 10); // in the last block
    try (InputStream in = client.read(server.address(), WHOLE_COPY, big, 0, 8)) {
      assertThrows(IOException.class, in::readAllBytes);
    }
  }

  @Test
  void aBlockDamagedOnTheWireFailsTheReadBeforeItsBytesAreUsed() throws Exception {
    ShardId id = new ShardId(HASH, 1);
    byte[] bytes = TestData.randomBytes(250, 9);
    upload(id, bytes);
    byte[] answer;
    try (InputStream in = server.address().baseUri()
        .resolve("/shards/" + id + "?blocks=0-2&checksums=crc32c").toURL().openStream()) {
      answer = in.readAllBytes();
    }
    answer[104 + 7] ^= 1; // in block 1, as a bad link or a bad buffer would do
    try (ServerSocket wire = new ServerSocket(0)) {
      Future<?> served = executor.submit(() -> answerOnce(wire, "Shard-Layout: "
          + LAYOUT.layoutText() + "\r\nObject-Size: " + LAYOUT.objectSize() + "\r\n", answer));
      try (InputStream in = client.read(
          new ServerAddress("127.0.0.1", wire.getLocalPort()), id, LAYOUT, 0, 3)) {
        assertArrayEquals(Arrays.copyOfRange(bytes, 0, 100), in.readNBytes(100));
        OstoreException e = assertThrows(OstoreException.class, () -> in.readNBytes(100));
        assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
        assertTrue(e.getMessage().contains("block 1 of shard " + id), e.getMessage());
      }
      served.get();
    }
  }

  /**
   * Answers one request on {@code wire}, read to its end, as a data server would: 200 with
   * {@code headers} (each ending in CRLF) and {@code body}; then closes the connection.
   */
  private static Void answerOnce(ServerSocket wire, String headers, byte[] body)
      throws IOException {
    try (Socket socket = wire.accept()) {
      skipRequest(socket.getInputStream());
      socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: "
          + body.length + "\r\n" + headers + "\r\n").getBytes(UTF_8));
      socket.getOutputStream().write(body);
    }
    return null;
  }

  /** Reads a request's head and its body of the length the head gives (none without one). */
  private static void skipRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the request ended within its head: " + head);
      }
      head.append((char) b);
    }
    long length = head.toString().lines()
        .filter(line -> line.toLowerCase().startsWith("content-length:"))
        .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).strip()))
        .findFirst().orElse(0);
    in.readNBytes(Math.toIntExact(length));
  }

  @Test
  void contentStoredWholeReadsBack() throws IOException {
    byte[] bytes = TestData.randomBytes(70_000, 8);
    ContentHash hash = storeWhole(bytes);
    try (GetStream in = client.readWhole(server.address(), hash)) {
      assertEquals(bytes.length, in.length());
      assertArrayEquals(bytes, in.readAllBytes());
    }
    ContentHash missing = ContentHash.sha256(new byte[] {1});
    OstoreException e = assertThrows(OstoreException.class,
        () -> client.readWhole(server.address(), missing));
    assertEquals(ErrorCode.NOT_FOUND, e.code());
  }

  @Test
  void contentStoredWholeIsListedInHashOrderAPageAtATime() throws IOException {
    List<ListedWhole> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] bytes = TestData.randomBytes(100 + i, 30 + i);
      all.add(new ListedWhole(storeWhole(bytes), bytes.length, clock.instant()));
      clock.advance(Duration.ofMinutes(1));
    }
    all.sort((a, b) -> a.hash().compareTo(b.hash()));
    assertEquals(all, client.listWhole(server.address(), Optional.empty(), 10));
    assertEquals(all.subList(0, 2), client.listWhole(server.address(), Optional.empty(), 2));
    assertEquals(all.subList(2, 3),
        client.listWhole(server.address(), Optional.of(all.get(1).hash()), 2));
  }

  @Test
  void contentWrittenSinceIsNotHeldAndHeldContentIsNeitherReadNorListedUntilRestored()
      throws IOException {
    byte[] bytes = TestData.randomBytes(1000, 31);
    ContentHash hash = storeWhole(bytes);
    clock.advance(Duration.ofMinutes(1));
    assertEquals(Hold.WRITTEN_SINCE, client.holdWhole(server.address(), hash, START));
    assertArrayEquals(bytes, readWhole(hash));
    assertEquals(Hold.HELD, client.holdWhole(server.address(), hash, START.plusMillis(1)));
    assertEquals(Hold.ABSENT, client.holdWhole(server.address(), hash, clock.instant()));
    OstoreException e = assertThrows(OstoreException.class, () -> readWhole(hash));
    assertEquals(ErrorCode.NOT_FOUND, e.code());
    assertEquals(List.of(), client.listWhole(server.address(), Optional.empty(), 10));
    assertEquals(List.of(new HeldWhole(hash, clock.instant())),
        client.listHeldWhole(server.address(), Optional.empty(), 10));
    assertEquals(List.of(), client.listHeldWhole(server.address(), Optional.of(hash), 10));
    clock.advance(Duration.ofMinutes(1));
    assertTrue(client.restoreWhole(server.address(), hash));
    assertFalse(client.restoreWhole(server.address(), hash));
    assertArrayEquals(bytes, readWhole(hash));
    assertEquals(List.of(new ListedWhole(hash, bytes.length, clock.instant())),
        client.listWhole(server.address(), Optional.empty(), 10));
    assertEquals(List.of(), client.listHeldWhole(server.address(), Optional.empty(), 10));
  }

  @Test
  void storingContentWholeAgainKeepsItFromAHoldThatBeganBefore() throws IOException {
    byte[] bytes = TestData.randomBytes(1000, 32);
    ContentHash hash = storeWhole(bytes);
    clock.advance(Duration.ofHours(1));
    Instant condemned = clock.instant();
    storeWhole(bytes);
    assertEquals(Hold.WRITTEN_SINCE, client.holdWhole(server.address(), hash, condemned));
    assertArrayEquals(bytes, readWhole(hash));
  }

  @Test
  void aHoldOfContentOnAnUnreachableServerFailsNamingServerAndContent() throws IOException {
    try (Socket nothingListens = TcpProxy.reservedPort()) {
      ServerAddress nobody = new ServerAddress("127.0.0.1", nothingListens.getLocalPort());
      OstoreException e = assertThrows(OstoreException.class,
          () -> client.holdWhole(nobody, HASH, START));
      assertEquals(ErrorCode.DATA_SERVER_UNREACHABLE, e.code());
      assertTrue(e.getMessage().contains("hold content " + HASH.hex() + " on " + nobody),
          e.getMessage());
    }
  }

  private byte[] readWhole(ContentHash hash) throws IOException {
    try (GetStream in = client.readWhole(server.address(), hash)) {
      return in.readAllBytes();
    }
  }

  /** Stores content whole as api servers did before erasure coding: temp, append, commit. */
  private ContentHash storeWhole(byte[] bytes) throws IOException {
    String temp = "/temp/" + transfers.call(server.address(), "POST", "/temp/", Map.of())
        .text();
    try (PutStream put = transfers.upload(server.address(), "PATCH", temp,
        OptionalLong.of(bytes.length))) {
      put.write(bytes);
    }
    ContentHash hash = ContentHash.sha256(bytes);
    transfers.call(server.address(), "PUT", temp, Map.of("Digest", "SHA-256=" + hash.base64()));
    return hash;
  }

  /** Stores shard {@code id}: stored now, or kept when the server held it already. */
  private ShardWrite upload(ShardId id, byte[] bytes) throws IOException {
    try (ShardWriter writer = client.upload(server.address(), id.index(), STRIPING)) {
      writeBlocks(writer, LAYOUT, bytes);
      return writer.finish(id.hash(), LAYOUT.objectSize());
    }
  }

  /**
   * Uploads {@link #WHOLE_COPY}, random bytes of {@code layout} (a whole copy: {@code 1+0}),
   * big enough to have a file of its own; returns them.
   */
  private byte[] uploadWholeCopy(ShardLayout layout, long seed) throws IOException {
    byte[] bytes = TestData.randomBytes(Math.toIntExact(layout.objectSize()), seed);
    try (ShardWriter writer = client.upload(server.address(), 0, layout.striping())) {
      writeBlocks(writer, layout, bytes);
      writer.finish(HASH, layout.objectSize());
    }
    return bytes;
  }

  /** Flips a bit of {@link #WHOLE_COPY}'s file, at the offset {@code at} gives for its length. */
  private void flipStoredByte(IntUnaryOperator at) throws IOException {
    Path file = root.resolve("shards").resolve(HASH.hex().substring(0, 2))
        .resolve(WHOLE_COPY.toString());
    byte[] stored = Files.readAllBytes(file);
    stored[at.applyAsInt(stored.length)] ^= 1;
    Files.write(file, stored);
  }

  /** Writes {@code bytes} cut into the blocks {@code layout} makes of a shard. */
  private static void writeBlocks(ShardWriter writer, ShardLayout layout, byte[] bytes)
      throws IOException {
    int at = 0;
    for (long b = 0; b < layout.blockCount(); b++) {
      writer.writeBlock(bytes, at, layout.blockLength(b));
      at += layout.blockLength(b);
    }
    assertEquals(bytes.length, at, "the test's bytes are one shard of " + layout);
  }

  /**
   * As {@link #writeBlocks}, but each block filled into the array the last hand-over returned, as
   * the encoder hands a shard over.
   */
  private static void handOverBlocks(ShardWriter writer, ShardLayout layout, byte[] bytes)
      throws IOException {
    byte[] block = new byte[STRIPING.chunkSize()];
    int at = 0;
    for (long b = 0; b < layout.blockCount(); b++) {
      int length = layout.blockLength(b);
      System.arraycopy(bytes, at, block, 0, length);
      block = writer.handOver(block, length);
      assertEquals(STRIPING.chunkSize(), block.length);
      at += length;
    }
    assertEquals(bytes.length, at, "the test's bytes are one shard of " + layout);
  }

  /** Holds one shard, as a batch of one. */
  private Hold hold(ShardId id, Instant writtenBefore) throws IOException {
    return client.hold(server.address(), List.of(id), writtenBefore).get(id);
  }

  /** Sends shard {@code id} whole and waits for it to be stored. */
  private ShardWrite store(ShardId id, byte[] bytes) throws IOException {
    return client.store(server.address(), id, STRIPING, LAYOUT.objectSize(), bytes).await();
  }

  private byte[] read(ShardId id, long from, long to) throws IOException {
    try (InputStream in = client.read(server.address(), id, LAYOUT, from, to)) {
      return in.readAllBytes();
    }
  }

  private long filesUnder(String directory) throws IOException {
    return TestData.filesUnder(root.resolve(directory));
  }

  @Test
  void anUploadAppendedTwiceIsReadBackThenCommittedAsAShard() throws IOException {
    assertEquals(1, append(0, 0, 1));
    assertEquals(3, append(1, 1, 3));
    assertEquals(3, client.uploadedBlocks(server.address(), UPLOAD));
    assertArrayEquals(Arrays.copyOfRange(UPLOADED, 100, 250), readUpload(1, 3));
    assertEquals(ShardWrite.STORED, client.commitUpload(server.address(), UPLOAD, HASH));
    try (InputStream in = client.read(server.address(), new ShardId(HASH, 1), LAYOUT, 0, 3)) {
      assertArrayEquals(UPLOADED, in.readAllBytes());
    }
    NoSuchFileException gone = assertThrows(NoSuchFileException.class,
        () -> client.uploadedBlocks(server.address(), UPLOAD));
    assertTrue(gone.getMessage().contains("upload " + UPLOAD), gone.getMessage());
    assertThrows(NoSuchFileException.class, () -> readUpload(0, 1));
    assertEquals(ShardWrite.KEPT_EXISTING, client.commitUpload(server.address(), UPLOAD, HASH),
        "held already: 200");
    assertFalse(client.deleteUpload(server.address(), UPLOAD));
  }

  @Test
  void anAppendFromPastTheBlocksHeldIsAConflictNamingServerAndUpload() throws IOException {
    append(0, 0, 1);
    OstoreException refused = assertThrows(OstoreException.class, () -> append(2, 2, 3));
    assertEquals(ErrorCode.CONFLICT, refused.code());
    assertTrue(refused.getMessage().startsWith("cannot append to upload " + UPLOAD + " on "
        + server.address()), refused.getMessage());
    assertTrue(refused.getMessage().contains("holds 1 blocks"), refused.getMessage());
    assertEquals(1, client.uploadedBlocks(server.address(), UPLOAD));
  }

  @Test
  void anIncompleteUploadIsNotCommitted() throws IOException {
    append(0, 0, 2);
    OstoreException refused = assertThrows(OstoreException.class,
        () -> client.commitUpload(server.address(), UPLOAD, HASH));
    assertEquals(ErrorCode.DATA_SERVER_FAILED, refused.code());
    assertTrue(refused.getMessage().contains("holds 2 of the 3 blocks"), refused.getMessage());
    assertThrows(NoSuchFileException.class, () -> client.commitUpload(server.address(),
        new UploadShardId(UPLOAD.upload(), 2), HASH));
  }

  @Test
  void anAbortedAppendLeavesNoTornBlockAndADeletedUploadIsGone() throws IOException {
    append(0, 0, 1);
    try (BlockAppend append = client.append(server.address(), UPLOAD, STRIPING,
        LAYOUT.objectSize(), EXPIRES, 1)) {
      append.writeBlock(UPLOADED, 100, 100);
      append.abort();
    }
    long held = client.uploadedBlocks(server.address(), UPLOAD);
    assertTrue(held == 1 || held == 2, "held " + held);
    assertTrue(client.deleteUpload(server.address(), UPLOAD));
    assertFalse(client.deleteUpload(server.address(), UPLOAD));
    assertThrows(NoSuchFileException.class,
        () -> client.uploadedBlocks(server.address(), UPLOAD));
  }

  /** Appends blocks {@code [from, to)} of {@link #UPLOADED} from block {@code start}. */
  private long append(long start, int from, int to) throws IOException {
    try (BlockAppend append = client.append(server.address(), UPLOAD, STRIPING,
        LAYOUT.objectSize(), EXPIRES, start)) {
      for (int b = from; b < to; b++) {
        append.writeBlock(UPLOADED, b * 100, b == 2 ? 50 : 100);
      }
      return append.finish();
    }
  }

  private byte[] readUpload(long from, long to) throws IOException {
    try (InputStream in = client.readUpload(server.address(), UPLOAD, from, to)) {
      return in.readAllBytes();
    }
  }
}
