package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.client.FakeOstoreServer.Request;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's resumable uploads against a fake api server that speaks their protocol. */
@Timeout(30)
class ResumableUploadTest {
  static final int SIZE = 1_000_000;
  static final int PIECE = 64 * 1024;

  @TempDir
  Path dir;
  FakeOstoreServer server;
  byte[] bytes = new byte[SIZE];
  Path file;
  Events events = new Events();

  @BeforeEach
  void start() throws IOException {
    server = new FakeOstoreServer();
    new Random(11).nextBytes(bytes);
    file = Files.write(dir.resolve("big.bin"), bytes);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aBigFileGoesUpInOnePutAfterAPostThatDeclaresItsSizeAndDigest() throws IOException {
    ObjectVersion version = client().build().put("big", file);

    assertEquals(SIZE, version.size());
    assertEquals(FakeOstoreServer.sha256(bytes), version.hash());
    assertArrayEquals(bytes, server.object("big"));
    List<Request> requests = server.requests();
    assertEquals("POST /objects/big, PUT /temp/", summary(requests));
    assertEquals(String.valueOf(SIZE), requests.get(0).headers().getFirst("Size"));
    assertEquals("SHA-256=" + version.hash(), requests.get(0).headers().getFirst("Digest"));
    assertEquals("bytes=0-", requests.get(1).headers().getFirst("Range"));
    assertEquals(SIZE, requests.get(1).bodyBytes());
    assertEquals(SIZE, events.transferred.get(events.transferred.size() - 1));
    assertEquals(0, server.openUploads());
  }

  @Test
  void smallerUploadsAndUploadsWithTheThresholdAtZeroAreOnePut() throws IOException {
    client().resumableAbove(SIZE + 1).build().put("a", file);
    client().resumableAbove(0).build().put("b", bytes);
    client().resumableAbove(0).build().put("c", new ByteArrayInputStream(bytes), SIZE);
    assertEquals("PUT /objects/a, PUT /objects/b, PUT /objects/c", summary(server.requests()));
    assertArrayEquals(bytes, server.object("c"));
  }

  @Test
  void aServerWithoutResumableUploadsGetsOnePut() throws IOException {
    server.answerNextWith(405, "method POST is not allowed on /objects/{name}");
    client().build().put("big", new ByteArrayInputStream(bytes), SIZE);
    assertEquals("POST /objects/big, PUT /objects/big", summary(server.requests()));
    assertArrayEquals(bytes, server.object("big"));
  }

  @Test
  void aFileGoesUpInPiecesEachHeldBeforeTheNextAndACutOneIsSentOnFromWhereItBroke()
      throws IOException {
    int piece = 300_000;
    server.cutUploads(1, 100_000);
    OstoreClient client = client().filePieceSize(piece).build();

    ObjectVersion version = client.put("big", file);

    assertEquals(FakeOstoreServer.sha256(bytes), version.hash());
    assertArrayEquals(bytes, server.object("big"));
    List<Request> puts = temps(server.requests(), "PUT");
    assertEquals(List.of("bytes=0-", "bytes=100000-", "bytes=300000-", "bytes=600000-",
        "bytes=900000-"), puts.stream().map(r -> r.headers().getFirst("Range"))
            .collect(Collectors.toList()), "pieces start at multiples of their size");
    assertEquals(List.of(100_000L, 200_000L, 300_000L, 300_000L, 100_000L),
        puts.stream().map(Request::bodyBytes).collect(Collectors.toList()),
        "the cut piece's rest, not the whole file's, is sent again");
    assertEquals(List.of(100_000L), events.resumed);
  }

  @Test
  void aStreamGoesUpInPiecesReadOneAtATime() throws IOException {
    int size = 10 * PIECE + 123;
    CountingStream in = new CountingStream(size);
    List<Long> ahead = new ArrayList<>();
    OstoreClient client = client().uploadPieceSize(PIECE)
        .transferListener((sent, total) -> ahead.add(in.read - sent))
        .build();

    ObjectVersion version = client.put("stream", in, size);

    byte[] expected = new CountingStream(size).readAllBytes();
    assertArrayEquals(expected, server.object("stream"));
    assertEquals(FakeOstoreServer.sha256(expected), version.hash());
    List<Request> puts = temps(server.requests(), "PUT");
    assertEquals(11, puts.size());
    assertEquals("bytes=" + 10 * PIECE + "-", puts.get(10).headers().getFirst("Range"));
    assertTrue(puts.stream().allMatch(put -> put.bodyBytes() <= PIECE), "one piece per PUT");
    assertTrue(ahead.stream().allMatch(read -> read >= 0 && read < PIECE),
        "never more than a piece read ahead of what was sent: " + ahead);
    assertEquals(null, server.requests().get(0).headers().getFirst("Digest"),
        "a stream's digest is not known before it is read");
  }

  @Test
  void aStreamCutMidPieceSendsOnlyTheRestOfThatPieceAgain() throws IOException {
    server.cutUploads(1, 10_000);
    OstoreClient client = client().uploadPieceSize(PIECE).build();

    client.put("stream", new ByteArrayInputStream(bytes), SIZE);

    assertArrayEquals(bytes, server.object("stream"));
    List<Request> puts = temps(server.requests(), "PUT");
    assertEquals("bytes=10000-", puts.get(1).headers().getFirst("Range"));
    assertEquals(PIECE - 10_000, puts.get(1).bodyBytes());
    assertEquals(List.of(10_000L), events.resumed);
  }

  @Test
  void aCutUploadGoesOnFromTheBytesTheServerHolds() throws IOException {
    server.cutUploads(2, 300_000);

    ObjectVersion version = client().build().put("big", file);

    assertEquals(FakeOstoreServer.sha256(bytes), version.hash());
    assertArrayEquals(bytes, server.object("big"));
    assertEquals("POST /objects/big, PUT /temp/, HEAD /temp/, PUT /temp/, HEAD /temp/,"
        + " PUT /temp/", summary(server.requests()));
    assertEquals(List.of("bytes=0-", "bytes=300000-", "bytes=600000-"),
        temps(server.requests(), "PUT").stream().map(r -> r.headers().getFirst("Range"))
            .collect(Collectors.toList()));
    assertEquals(List.of(300_000L, 600_000L), events.resumed);
    assertEquals(SIZE, events.transferred.get(events.transferred.size() - 1));
    assertTrue(events.transferred.contains(300_000L + 65_536), "counts on from the bytes held");
  }

  @Test
  void anUploadFinishedWhoseAnswerWasLostIsFoundAsTheLatestVersion() throws IOException {
    server.loseNextCompletion();

    ObjectVersion version = client().build().put("big", file);

    assertEquals(1, version.version());
    assertEquals(FakeOstoreServer.sha256(bytes), version.hash());
    assertEquals("POST /objects/big, PUT /temp/, HEAD /temp/, HEAD /objects/big",
        summary(server.requests()));
    assertEquals(1, server.versionsOf("big"), "stored once");
  }

  @Test
  void a416TellsWhereToGoOn() throws IOException {
    server.cutUploads(1, 300_000);
    server.staleHeads(1);

    client().build().put("big", file);

    assertArrayEquals(bytes, server.object("big"));
    assertEquals(List.of("bytes=0-", "bytes=0-", "bytes=300000-"),
        temps(server.requests(), "PUT").stream().map(r -> r.headers().getFirst("Range"))
            .collect(Collectors.toList()));
    assertEquals(List.of(0L, 300_000L), events.resumed);
    assertTrue(events.why.get(1).getMessage().contains("send the rest with Range: bytes=300000-"),
        events.why.get(1).getMessage());
  }

  @Test
  void a5xxOrA409IsTriedAgainFromWhatTheServerHolds() throws IOException {
    server.answerLaterWith(1, 503, "too few live data servers");
    client().build().put("a", file);
    assertArrayEquals(bytes, server.object("a"));
    assertInstanceOf(ServiceUnavailableException.class, events.why.get(0));

    server.answerLaterWith(1, 409, "another request is writing this upload");
    client().build().put("b", Files.write(dir.resolve("other"), new byte[SIZE]));
    assertArrayEquals(new byte[SIZE], server.object("b"));
    assertEquals(409, ((OstoreClientException) events.why.get(1)).status());
  }

  @Test
  void whenRetriesRunOutTheUploadIsDeleted() throws IOException {
    server.cutUploads(100, 0);
    OstoreClient client = client().uploadRetries(2, Duration.ZERO).build();

    UploadBrokenException broken =
        assertThrows(UploadBrokenException.class, () -> client.put("big", file));

    assertFalse(broken.kept());
    assertEquals(0, broken.held());
    assertTrue(broken.getMessage().startsWith("PUT big: the upload broke off with 0 of 1000000"
        + " bytes held, and 2 retries in a row did not take it further: "), broken.getMessage());
    assertEquals(0, server.openUploads());
    assertEquals("POST /objects/big, PUT /temp/, HEAD /temp/, PUT /temp/, HEAD /temp/,"
        + " PUT /temp/, DELETE /temp/", summary(server.requests()));
    assertEquals(null, server.object("big"));
  }

  /** The server may still hold the broken request's lease: its 409 is asked again. */
  @Test
  void aDeleteAnswered409WhileTheServerLetsGoIsSentAgain() throws IOException {
    server.cutUploads(100, 0);
    server.answerLaterWith(2, 409, "upload is being written by another request");
    OstoreClient client = client().uploadRetries(0, Duration.ZERO).build();

    assertThrows(UploadBrokenException.class, () -> client.put("big", file));

    assertEquals("POST /objects/big, PUT /temp/, DELETE /temp/, DELETE /temp/",
        summary(server.requests()));
    assertEquals(0, server.openUploads());
  }

  @Test
  void eachByteTheServerGainsStartsTheRetriesAgain() throws IOException {
    server.cutUploads(6, 100_000);
    client().uploadRetries(1, Duration.ZERO).build().put("big", file);
    assertArrayEquals(bytes, server.object("big"));
    assertEquals(6, events.resumed.size());
  }

  @Test
  void aKeptUploadIsFinishedLater() throws IOException {
    server.cutUploads(2, 250_000);
    OstoreClient client = client().uploadRetries(0, Duration.ZERO).keepBrokenUploads(true)
        .build();

    UploadBrokenException broken =
        assertThrows(UploadBrokenException.class, () -> client.put("big", file));
    assertTrue(broken.kept());
    assertTrue(broken.getMessage().endsWith("; it is kept at " + broken.location()),
        broken.getMessage());
    assertEquals(1, server.openUploads());
    assertEquals(250_000, server.heldByOpenUpload());

    UploadBrokenException again = assertThrows(UploadBrokenException.class,
        () -> client.resumeUpload("big", broken.location(), file));
    assertEquals(250_000, again.held(), "the last the server told");
    assertEquals(500_000, server.heldByOpenUpload());

    ObjectVersion version = client.resumeUpload("big", broken.location(), file);
    assertEquals(FakeOstoreServer.sha256(bytes), version.hash());
    assertArrayEquals(bytes, server.object("big"));
    assertEquals("bytes=500000-", temps(server.requests(), "PUT").get(2).headers()
        .getFirst("Range"));
  }

  @Test
  void a4xxEndsTheUploadWithTheServersMessage() throws IOException {
    server.answerLaterWith(1, 403, "this upload token was not issued by this cluster");

    OstoreClientException refused =
        assertThrows(OstoreClientException.class, () -> client().build().put("big", file));

    assertEquals(403, refused.status());
    assertEquals("this upload token was not issued by this cluster", refused.getMessage());
    assertEquals("POST /objects/big, PUT /temp/, DELETE /temp/", summary(server.requests()));
    assertEquals(0, server.openUploads());
  }

  @Test
  void aPostAnswered200MeansTheContentIsStoredAlready() throws IOException {
    server.store("first", bytes);

    ObjectVersion version = client().build().put("copy", file);

    assertEquals("copy", version.name());
    assertEquals(1, version.version());
    assertEquals(FakeOstoreServer.sha256(bytes), version.hash());
    assertEquals("POST /objects/copy", summary(server.requests()));
    assertTrue(events.transferred.isEmpty(), "nothing sent");
  }

  @Test
  void aStreamThatEndsEarlyFailsAndItsUploadIsDeleted() {
    OstoreClient client = client().uploadPieceSize(PIECE).build();
    IOException shorter = assertThrows(IOException.class,
        () -> client.put("short", new ByteArrayInputStream(bytes), SIZE + 10));
    assertEquals("PUT short: the source ended after " + SIZE + " of " + (SIZE + 10) + " bytes",
        shorter.getMessage());
    assertEquals(0, server.openUploads());
    assertEquals(null, server.object("short"));
  }

  @Test
  void aFileThatChangedIsRefusedByItsDigest() throws IOException {
    server.cutUploads(1, 100_000);
    OstoreClient client = client().transferListener(new TransferListener() {
      @Override
      public void transferred(long sent, long size) {}

      @Override
      public void resumed(long held, long size, IOException why) {
        try {
          byte[] changed = bytes.clone();
          changed[SIZE - 1] ^= 1;
          Files.write(file, changed);
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
    }).build();

    BadRequestException refused =
        assertThrows(BadRequestException.class, () -> client.put("big", file));
    assertTrue(refused.getMessage().contains("not the " + FakeOstoreServer.sha256(bytes)),
        refused.getMessage());
    assertEquals(null, server.object("big"));
  }

  private OstoreClient.Builder client() {
    return OstoreClient.builder(server.uri())
        .resumableAbove(1000)
        .uploadRetries(5, Duration.ZERO)
        .transferListener(events);
  }

  /** "METHOD /path" of each request, with the token of /temp/ paths left out. */
  private static String summary(List<Request> requests) {
    return requests.stream()
        .map(r -> r.method() + " " + r.rawPath().replaceAll("^/temp/.*", "/temp/"))
        .collect(Collectors.joining(", "));
  }

  private static List<Request> temps(List<Request> requests, String method) {
    return requests.stream()
        .filter(r -> r.method().equals(method) && r.rawPath().startsWith("/temp/"))
        .collect(Collectors.toList());
  }

  /** What a listener was told. */
  static final class Events implements TransferListener {
    final List<Long> transferred = new ArrayList<>();
    final List<Long> resumed = new ArrayList<>();
    final List<IOException> why = new ArrayList<>();

    @Override
    public void transferred(long bytes, long size) {
      transferred.add(bytes);
    }

    @Override
    public void resumed(long bytes, long size, IOException why) {
      resumed.add(bytes);
      this.why.add(why);
    }
  }

  /** {@code size} bytes made up as they are read (byte i is i * 31), counting them. */
  static final class CountingStream extends InputStream {
    private final long size;
    long read;

    CountingStream(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      return read < size ? (int) (read++ * 31) & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (read >= size) {
        return -1;
      }
      int n = (int) Math.min(length, size - read);
      for (int i = 0; i < n; i++) {
        buffer[offset + i] = (byte) (read++ * 31);
      }
      return n;
    }
  }
}
