package dev.ostore.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.TcpProxy;
import dev.ostore.TestData;
import dev.ostore.heartbeat.FakeClock;
import dev.ostore.http.Exchange;
import dev.ostore.http.HttpService;
import dev.ostore.http.Routes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Transfers} against a real HTTP server on loopback whose endpoints behave well or badly
 * on purpose, as data servers may.
 */
@Timeout(60)
class TransfersTest {
  private static final int LARGE = 16 * 1024 * 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** Generous, so that a loaded machine never passes for a stalled server. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  /** For the tests of a server that does stall, reading with a timeout of the socket. */
  private static final Duration SHORT_READ_TIMEOUT = Duration.ofMillis(500);

  /** What the server stored, by path. */
  private final Map<String, byte[]> stored = new ConcurrentHashMap<>();
  /** The declared length of the last upload the server stored, empty when chunked. */
  private volatile OptionalLong storedLength;
  /** How the watching endpoint's read of a body ended: its length, or the failure. */
  private final CompletableFuture<Long> watchedBody = new CompletableFuture<>();
  private final CountDownLatch watchedFirstBytes = new CountDownLatch(1);
  private final CountDownLatch releaseStall = new CountDownLatch(1);

  private final ExecutorService executor = Executors.newCachedThreadPool();
  /** What the uploads' stall watch reads and runs on: time passes when a test says so. */
  private final FakeClock clock = new FakeClock();
  private final FakeScheduler watchdog = new FakeScheduler(clock);
  private HttpService server;
  private ServerAddress address;
  private Transfers transfers;
  private Transfers impatient;

  @BeforeEach
  void startServer() throws IOException {
    Routes routes = Routes.builder()
        .add("PUT", "/objects/{x}", this::store)
        .add("GET", "/objects/{x}", this::serve)
        .add("HEAD", "/objects/{x}", this::describe)
        .add("PUT", "/full/{x}", exchange -> {
          exchange.copyRequestBodyTo(OutputStream.nullOutputStream(), exchange.path());
          throw new OstoreException(ErrorCode.STORAGE_FAILED, "disk full on purpose");
        })
        .add("PUT", "/refuse/{x}", exchange -> {
          throw new OstoreException(ErrorCode.STORAGE_FAILED, "refused on purpose");
        })
        .add("PUT", "/watch/{x}", this::watch)
        .add("PATCH", "/patch/{x}", this::store)
        .add("POST", "/echo/{x}", exchange -> exchange.respond(200, "text/plain",
            ("echo: " + exchange.header("Echo").orElse("")).getBytes(StandardCharsets.UTF_8)))
        .add("PUT", "/stall/{x}", exchange -> {
          exchange.requestBody().readNBytes(1024);
          awaitQuietly(releaseStall);
          throw new OstoreException(ErrorCode.STORAGE_FAILED, "stalled on purpose");
        })
        .add("GET", "/cut/{x}", exchange -> {
          OutputStream out = exchange.respond(200, 1024 * 1024);
          out.write(new byte[64 * 1024]);
          out.flush();
          throw new OstoreException(ErrorCode.STORAGE_FAILED, "disk failed on purpose");
        })
        .add("GET", "/stall/{x}", exchange -> {
          OutputStream out = exchange.respond(200, 1000);
          out.write(new byte[10]);
          out.flush();
          awaitQuietly(releaseStall);
          throw new OstoreException(ErrorCode.STORAGE_FAILED, "stalled on purpose");
        })
        .add("GET", "/chunked/{x}", exchange -> {
          try (OutputStream out = exchange.respond(200, -1)) {
            out.write("no length".getBytes(StandardCharsets.US_ASCII));
          }
        })
        .build();
    server = HttpService.start("transfers-test", new ServerAddress("127.0.0.1", 0), routes,
        HttpService.Settings.DEFAULT);
    address = server.address();
    transfers = Transfers.create(executor, watchdog, clock, CONNECT_TIMEOUT, READ_TIMEOUT);
    impatient = Transfers.create(executor, watchdog, clock, CONNECT_TIMEOUT, SHORT_READ_TIMEOUT);
  }

  @AfterEach
  void stopServer() {
    releaseStall.countDown();
    server.close();
    transfers.close();
    impatient.close();
    executor.shutdownNow();
  }

  @Test
  void putOfKnownLengthArrivesIntact() throws Exception {
    byte[] data = TestData.randomBytes(LARGE, 1);
    try (PutStream out = transfers.upload(address, "PUT", "/objects/known", OptionalLong.of(LARGE))) {
      writeInOddChunks(out, data);
    }
    assertEquals(sha256(data), sha256(stored.get("/objects/known")));
    assertEquals(OptionalLong.of(LARGE), storedLength);
  }

  @Test
  void putOfUnknownLengthArrivesIntactChunked() throws Exception {
    byte[] data = TestData.randomBytes(LARGE, 2);
    try (PutStream out = transfers.upload(address, "PUT", "/objects/unknown", OptionalLong.empty())) {
      writeInOddChunks(out, data);
    }
    assertEquals(sha256(data), sha256(stored.get("/objects/unknown")));
    assertEquals(OptionalLong.empty(), storedLength, "sent chunked");
  }

  @Test
  void patchArrivesAsAPatchThroughTheMethodOverride() throws Exception {
    byte[] data = TestData.randomBytes(100_000, 9);
    try (PutStream out = transfers.upload(address, "PATCH", "/patch/x", OptionalLong.empty())) {
      out.write(data);
    }
    assertArrayEquals(data, stored.get("/patch/x"));
  }

  @Test
  void callReturnsTheShortAnswerAndSendsTheHeaders() throws Exception {
    assertEquals("echo: hello", transfers.call(address, "POST", "/echo/x",
        java.util.Map.of("Echo", "hello")).text());
    OstoreException missing = assertThrows(OstoreException.class,
        () -> transfers.call(address, "DELETE", "/nowhere/x", java.util.Map.of()));
    assertEquals(ErrorCode.NOT_FOUND, missing.code());
  }

  @Test
  void finishedUploadsLeaveNothingScheduledBehind() throws Exception {
    for (int i = 0; i < 200; i++) {
      try (PutStream out = transfers.upload(address, "PUT", "/objects/small-" + i,
          OptionalLong.of(10))) {
        out.write(new byte[10]);
      }
    }
    PutStream aborted = transfers.upload(address, "PUT", "/objects/aborted", OptionalLong.of(10));
    aborted.abort(new IOException("given up on purpose"));
    // Each watch held its stream and 256 KiB pipe until it fired: 200 small PUTs, 50 MiB.
    assertEquals(0, watchdog.scheduled());
  }

  @Test
  void emptyPutArrivesAsAnEmptyObject() throws Exception {
    transfers.upload(address, "PUT", "/objects/empty", OptionalLong.of(0)).close();
    transfers.upload(address, "PUT", "/objects/empty-chunked", OptionalLong.empty()).close();
    assertArrayEquals(new byte[0], stored.get("/objects/empty"));
    assertArrayEquals(new byte[0], stored.get("/objects/empty-chunked"));
  }

  @Test
  void unreachableServerFailsBeforeAnyWrite() throws Exception {
    try (Socket nothingListens = TcpProxy.reservedPort()) {
      ServerAddress nobody = new ServerAddress("127.0.0.1", nothingListens.getLocalPort());
      for (OptionalLong length : bothModes(10)) {
        OstoreException e = assertThrows(OstoreException.class,
            () -> transfers.upload(nobody, "PUT", "/objects/x", length));
        assertEquals(ErrorCode.DATA_SERVER_UNREACHABLE, e.code());
        assertTrue(e.getMessage().startsWith("data server " + nobody + " is unreachable"),
            e.getMessage());
      }
      OstoreException get = assertThrows(OstoreException.class,
          () -> transfers.get(nobody, "/objects/x"));
      assertEquals(ErrorCode.DATA_SERVER_UNREACHABLE, get.code());
      OstoreException head = assertThrows(OstoreException.class,
          () -> transfers.header(nobody, "/objects/x", "Stored-Length"));
      assertEquals(ErrorCode.DATA_SERVER_UNREACHABLE, head.code());
    }
  }

  @Test
  void aServerThatDiedSinceTheLastUploadIsUnreachableBeforeAnyWrite() throws Exception {
    HttpService doomed = HttpService.start("doomed", new ServerAddress("127.0.0.1", 0),
        Routes.builder().add("PUT", "/objects/{x}", this::store).build(),
        HttpService.Settings.DEFAULT);
    ServerAddress at = doomed.address();
    for (OptionalLong length : bothModes(10)) {
      PutStream out = transfers.upload(at, "PUT", "/objects/first", length);
      out.write(new byte[10]);
      out.close();
    }
    doomed.close();
    for (OptionalLong length : bothModes(10)) {
      OstoreException e = assertThrows(OstoreException.class,
          () -> transfers.upload(at, "PUT", "/objects/second", length));
      assertEquals(ErrorCode.DATA_SERVER_UNREACHABLE, e.code(), e.getMessage());
    }
  }

  @Test
  void serverErrorAtCloseCarriesTheServersMessage() throws Exception {
    for (OptionalLong length : bothModes(1 << 20)) {
      PutStream out = transfers.upload(address, "PUT", "/full/x", length);
      out.write(TestData.randomBytes(1 << 20, 3));
      OstoreException e = assertThrows(OstoreException.class, out::close);
      assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
      assertEquals("data server " + address + " answered 500 to PUT /full/x: disk full on purpose",
          e.getMessage());
    }
  }

  @Test
  void serverRefusingASmallBodyUnreadFailsAtCloseWithItsMessage() throws Exception {
    PutStream out = transfers.upload(address, "PUT", "/refuse/x", OptionalLong.of(100));
    out.write(new byte[100]);
    OstoreException e = assertThrows(OstoreException.class, out::close);
    assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
    assertTrue(e.getMessage().endsWith("answered 500 to PUT /refuse/x: refused on purpose"),
        e.getMessage());
  }

  @Test
  void serverRefusingALargeBodyUnreadFailsTheWriterInsteadOfBlockingIt() throws Exception {
    byte[] data = TestData.randomBytes(LARGE, 4);
    for (OptionalLong length : bothModes(LARGE)) {
      OstoreException e = assertThrows(OstoreException.class, () -> {
        try (PutStream out = transfers.upload(address, "PUT", "/refuse/x", length)) {
          writeInOddChunks(out, data);
        }
      });
      assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
      assertTrue(e.getMessage().startsWith("data server " + address), e.getMessage());
    }
  }

  @Test
  void putToAServerThatStopsReadingFailsOnceAWriteHasNotMovedForTheReadTimeout()
      throws Exception {
    byte[] chunk = TestData.randomBytes(64 * 1024, 8);
    for (OptionalLong length : bothModes(256L << 20)) {
      PutStream out = transfers.upload(address, "PUT", "/stall/x", length);
      // Far more than socket buffers and pipe hold: a write blocks once the server stops.
      Future<?> writer = executor.submit(() -> {
        try (out) {
          for (int i = 0; i < 4096; i++) {
            out.write(chunk);
          }
        }
        return null;
      });
      // The watch looks once per read timeout; time passes only here, never while it looks.
      while (!writer.isDone()) {
        clock.advance(READ_TIMEOUT);
        watchdog.runDue();
        awaitQuietly(writer);
      }
      ExecutionException e = assertThrows(ExecutionException.class, writer::get);
      OstoreException stalled = assertInstanceOf(OstoreException.class, e.getCause());
      assertEquals(ErrorCode.DATA_SERVER_FAILED, stalled.code());
      assertEquals("data server " + address + " took no data of /stall/x for 10000 ms",
          stalled.getMessage());
      assertEquals(0, watchdog.scheduled(), "the watch ended with the upload");
    }
  }

  @Test
  void putToAPathTheServerDoesNotKnowIsNotFound() throws Exception {
    PutStream out = transfers.upload(address, "PUT", "/nowhere/x", OptionalLong.of(3));
    out.write(new byte[3]);
    OstoreException e = assertThrows(OstoreException.class, out::close);
    assertEquals(ErrorCode.NOT_FOUND, e.code());
    assertEquals("no endpoint at /nowhere/x", e.getMessage());
  }

  @Test
  void abortOfAChunkedPutLeavesTheServerWithABrokenBody() throws Exception {
    assertAbortBreaksTheBody(OptionalLong.empty());
  }

  @Test
  void abortOfAFixedLengthPutLeavesTheServerWithAShortBody() throws Exception {
    assertAbortBreaksTheBody(OptionalLong.of(4 * 1024 * 1024));
  }

  @Test
  void putOfFewerBytesThanDeclaredFailsAndTheServerSeesAShortBody() throws Exception {
    PutStream out = transfers.upload(address, "PUT", "/watch/x", OptionalLong.of(1000));
    out.write(new byte[10]);
    OstoreException e = assertThrows(OstoreException.class, out::close);
    assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
    assertBodyBroken();
  }

  @Test
  void putOfMoreBytesThanDeclaredFails() throws Exception {
    OstoreException e = assertThrows(OstoreException.class, () -> {
      try (PutStream out = transfers.upload(address, "PUT", "/objects/over", OptionalLong.of(1000))) {
        out.write(new byte[1001]);
      }
    });
    assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
    assertNull(stored.get("/objects/over"), "nothing was stored");
  }

  @Test
  void writeAfterCloseIsRefused() throws Exception {
    PutStream out = transfers.upload(address, "PUT", "/objects/x", OptionalLong.of(1));
    out.write(7);
    out.close();
    out.close();
    IOException e = assertThrows(IOException.class, () -> out.write(8));
    assertEquals("stream is closed", e.getMessage());
    assertArrayEquals(new byte[] {7}, stored.get("/objects/x"));
  }

  @Test
  void getReadsTheWholeObjectAndKnowsItsLength() throws Exception {
    byte[] data = TestData.randomBytes(LARGE, 5);
    stored.put("/objects/big", data);
    byte[] read;
    try (GetStream in = transfers.get(address, "/objects/big")) {
      assertEquals(LARGE, in.length());
      read = readInOddChunks(in);
      assertEquals(-1, in.read());
    }
    assertEquals(LARGE, read.length);
    assertEquals(sha256(data), sha256(read));
  }

  @Test
  void transferToCopiesTheWholeObjectAndFailsOnACutOne() throws Exception {
    byte[] data = TestData.randomBytes(LARGE, 12);
    stored.put("/objects/big", data);
    java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
    try (GetStream in = transfers.get(address, "/objects/big")) {
      assertEquals(LARGE, in.transferTo(copy));
    }
    assertEquals(sha256(data), sha256(copy.toByteArray()));
    try (GetStream in = transfers.get(address, "/cut/x")) {
      OstoreException e = assertThrows(OstoreException.class,
          () -> in.transferTo(java.io.OutputStream.nullOutputStream()));
      assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
    }
  }

  @Test
  void getOfAMissingObjectIsNotFoundWithTheServersMessage() throws Exception {
    OstoreException e = assertThrows(OstoreException.class,
        () -> transfers.get(address, "/objects/missing"));
    assertEquals(ErrorCode.NOT_FOUND, e.code());
    assertEquals("no such object: /objects/missing", e.getMessage());
  }

  @Test
  void getCutShortFailsInsteadOfEndingEarly() throws Exception {
    try (GetStream in = transfers.get(address, "/cut/x")) {
      assertEquals(1024 * 1024, in.length());
      OstoreException e = assertThrows(OstoreException.class, in::readAllBytes);
      assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
      assertTrue(e.getMessage().startsWith("data server " + address), e.getMessage());
      assertTrue(e.getMessage().contains("of 1048576 bytes"), e.getMessage());
    }
  }

  @Test
  void getFromAServerThatStallsFailsAfterTheReadTimeout() throws Exception {
    try (GetStream in = impatient.get(address, "/stall/x")) {
      long start = System.nanoTime();
      OstoreException e = assertThrows(OstoreException.class, in::readAllBytes);
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
      assertTrue(e.getMessage().contains("after 10 of 1000 bytes"), e.getMessage());
      assertTrue(elapsedMillis >= SHORT_READ_TIMEOUT.toMillis() - 50, elapsedMillis + " ms");
    }
  }

  @Test
  void getWithoutContentLengthFails() throws Exception {
    OstoreException e = assertThrows(OstoreException.class,
        () -> transfers.get(address, "/chunked/x"));
    assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
    assertEquals("data server " + address + " sent /chunked/x without a Content-Length",
        e.getMessage());
  }

  @Test
  void getStreamClosedEarlyRefusesFurtherReads() throws Exception {
    stored.put("/objects/x", TestData.randomBytes(1 << 20, 6));
    GetStream in = transfers.get(address, "/objects/x");
    in.read(new byte[10]);
    in.close();
    in.close();
    IOException e = assertThrows(IOException.class, in::read);
    assertEquals("stream is closed", e.getMessage());
    // The server is fine for the next caller.
    try (GetStream again = transfers.get(address, "/objects/x")) {
      assertArrayEquals(stored.get("/objects/x"), again.readAllBytes());
    }
  }

  @Test
  void headerAsksWithHead() throws Exception {
    stored.put("/objects/sized", new byte[12345]);
    assertEquals(Optional.of("12345"),
        transfers.header(address, "/objects/sized", "Stored-Length"));
    assertEquals(Optional.empty(), transfers.header(address, "/objects/sized", "Absent"),
        "reusing the connection");
    OstoreException e = assertThrows(OstoreException.class,
        () -> transfers.header(address, "/objects/missing", "Stored-Length"));
    assertEquals(ErrorCode.NOT_FOUND, e.code());
  }

  @Test
  void refusesTimeoutsThatAreNotPositive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Transfers.create(executor, watchdog, clock, Duration.ZERO, READ_TIMEOUT));
    assertEquals("connectTimeout (PT0S) must be positive", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Transfers.create(executor, watchdog, clock, CONNECT_TIMEOUT,
            Duration.ofSeconds(-1)));
    assertEquals("readTimeout (PT-1S) must be positive", e.getMessage());
  }

  private void assertAbortBreaksTheBody(OptionalLong length) throws Exception {
    PutStream out = transfers.upload(address, "PUT", "/watch/x", length);
    out.write(TestData.randomBytes(256 * 1024, 7));
    out.flush();
    assertTrue(watchedFirstBytes.await(10, TimeUnit.SECONDS), "the server got the first bytes");
    out.abort(new IOException("client gave up on purpose"));
    assertBodyBroken();
    out.close();
    IOException e = assertThrows(IOException.class, () -> out.write(1));
    assertEquals("stream is closed", e.getMessage());
  }

  private void assertBodyBroken() throws Exception {
    try {
      long length = watchedBody.get(10, TimeUnit.SECONDS);
      throw new AssertionError("the server read a clean body of " + length + " bytes");
    } catch (ExecutionException e) {
      assertInstanceOf(IOException.class, e.getCause());
    }
  }

  private void store(Exchange exchange) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    exchange.copyRequestBodyTo(body, exchange.path());
    storedLength = exchange.requestLength();
    stored.put(exchange.path(), body.toByteArray());
  }

  private void serve(Exchange exchange) throws IOException {
    byte[] data = stored.get(exchange.path());
    if (data == null) {
      throw OstoreException.notFound("no such object: " + exchange.path());
    }
    try (OutputStream out = exchange.respond(200, data.length)) {
      out.write(data);
    }
  }

  private void describe(Exchange exchange) throws IOException {
    byte[] data = stored.get(exchange.path());
    if (data == null) {
      throw OstoreException.notFound("no such object: " + exchange.path());
    }
    exchange.setHeader("Stored-Length", Integer.toString(data.length));
    exchange.respond(200, data.length).close();
  }

  private void watch(Exchange exchange) throws IOException {
    long read = 0;
    byte[] buffer = new byte[8192];
    try (InputStream body = exchange.requestBody()) {
      for (int n; (n = body.read(buffer)) != -1; ) {
        read += n;
        watchedFirstBytes.countDown();
      }
    } catch (IOException e) {
      watchedBody.completeExceptionally(e);
      throw e;
    }
    watchedBody.complete(read);
  }

  /** A declared length, then none (chunked). */
  private static OptionalLong[] bothModes(long length) {
    return new OptionalLong[] {OptionalLong.of(length), OptionalLong.empty()};
  }

  private static void writeInOddChunks(OutputStream out, byte[] data) throws IOException {
    Random sizes = new Random(42);
    for (int at = 0; at < data.length; ) {
      int n = Math.min(data.length - at, 1 + sizes.nextInt(100_000));
      out.write(data, at, n);
      at += n;
    }
  }

  private static byte[] readInOddChunks(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Random sizes = new Random(43);
    byte[] buffer = new byte[100_000];
    for (int n; (n = in.read(buffer, 0, 1 + sizes.nextInt(buffer.length))) != -1; ) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** Gives {@code task} a moment to finish, without minding whether it did. */
  private static void awaitQuietly(Future<?> task) throws InterruptedException {
    try {
      task.get(20, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      // Either is seen by the caller's next look at the task.
    }
  }

  /** Waits for the test to end, long after any timeout the client under test should apply. */
  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
