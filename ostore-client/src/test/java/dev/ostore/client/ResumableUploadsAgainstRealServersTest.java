package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.server.api.ApiServerConfig;
import dev.ostore.server.api.LocalCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's resumable uploads against the real servers, behind a proxy that cuts the
 * connections the uploads go up.
 */
@Timeout(120)
class ResumableUploadsAgainstRealServersTest {
  static final int SIZE = 6 << 20;

  @TempDir
  Path root;
  LocalCluster cluster;
  OstoreClient direct;
  byte[] bytes = new byte[SIZE];
  Path file;
  ResumableUploadTest.Events events = new ResumableUploadTest.Events();

  @BeforeEach
  void start() throws Exception {
    cluster = LocalCluster.start(root.resolve("store"));
    direct = OstoreClient.builder(cluster.uri()).build();
    new Random(13).nextBytes(bytes);
    file = Files.write(root.resolve("big.bin"), bytes);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aFileCutTwiceOnTheWayUpReadsBackByteIdentical() throws Exception {
    try (CuttingProxy proxy = CuttingProxy.cuttingRequests(cluster.uri(), 2, 2_000_000)) {
      ObjectVersion version = through(proxy).build().put("big", file);

      assertEquals(0, proxy.cutsLeft(), "both cuts were met");
      assertEquals(SIZE, version.size());
      assertEquals(FakeOstoreServer.sha256(bytes), version.hash());
      assertArrayEquals(bytes, read("big"));
      assertTrue(events.resumed.size() >= 2, events.resumed.toString());
      assertTrue(events.resumed.get(events.resumed.size() - 1) > 0,
          "the server kept bytes of the broken PUTs: " + events.resumed);
    }
  }

  @Test
  void aStreamCutOnTheWayUpGoesInPiecesAndReadsBackByteIdentical() throws Exception {
    try (CuttingProxy proxy = CuttingProxy.cuttingRequests(cluster.uri(), 1, 1_500_000)) {
      ObjectVersion version = through(proxy).uploadPieceSize(1 << 20).build()
          .put("stream", new ByteArrayInputStream(bytes), SIZE);

      assertEquals(FakeOstoreServer.sha256(bytes), version.hash());
      assertArrayEquals(bytes, read("stream"));
      // One cut, but maybe more resumes: a HEAD right after it may come before the server
      // counted the cut body, and the PUT from there then learns the count from a 409 or 416.
      assertTrue(!events.resumed.isEmpty(), events.resumed.toString());
      assertTrue(events.why.stream().allMatch(why -> !(why instanceof OstoreClientException e)
          || e.status() == 409 || e.status() == 416), events.why.toString());
    }
  }

  /**
   * Content stored already is sent again, since knowing its hash must not be enough to claim it,
   * unless the server runs with INSTANT_UPLOAD: then its POST records the version at once.
   */
  @Test
  void contentStoredAlreadyIsSentAgainUnlessTheServerTakesItsDigest() throws Exception {
    direct.put("first", bytes);
    assertEquals(FakeOstoreServer.sha256(bytes), resumably().put("copy", file).hash());
    assertEquals(SIZE, events.transferred.get(events.transferred.size() - 1), "all sent");
    assertArrayEquals(bytes, read("copy"));

    cluster.close();
    cluster = LocalCluster.builder(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0),
        root.resolve("instant")).withInstantUpload(true)).start();
    direct = OstoreClient.builder(cluster.uri()).build();
    direct.put("first", bytes);
    events.transferred.clear();
    assertEquals(FakeOstoreServer.sha256(bytes), resumably().put("copy", file).hash());
    assertTrue(events.transferred.isEmpty(), "no byte sent");
    assertArrayEquals(bytes, read("copy"));
  }

  /**
   * A PUT of an upload another request holds is refused before its body: the client sends the
   * body only once asked for it, not into a 409 (which the server would take in and drop).
   */
  @Test
  void aPutRefusedWhileAnotherRequestWritesSendsNoneOfItsBody() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(
            cluster.uri().resolve("/objects/held")).header("Size", Integer.toString(SIZE))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    String location = post.headers().firstValue("Location").orElseThrow();
    try (Socket writer = holding(http, location)) {
      UploadBrokenException broken = assertThrows(UploadBrokenException.class,
          () -> OstoreClient.builder(cluster.uri()).uploadRetries(0, Duration.ZERO)
              .transferListener(events).build().resumeUpload("held", location, file));
      assertEquals(409, ((OstoreClientException) broken.getCause()).status());
      assertEquals(List.of(), events.transferred, "no byte of the body sent");
    }
  }

  /**
   * A connection whose PUT of part of the upload at {@code location} holds it, the rest unsent:
   * once it does, a PUT at a wrong offset is a 409, where it is a 416 while the upload is free.
   */
  private Socket holding(HttpClient http, String location) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Socket writer = new Socket(cluster.uri().getHost(), cluster.uri().getPort());
      OutputStream out = writer.getOutputStream();
      out.write(("PUT " + location + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + SIZE
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes, 0, 100_000);
      out.flush();
      for (int probe = 0; probe < 20; probe++) {
        int status = http.send(HttpRequest.newBuilder(cluster.uri().resolve(location))
            .header("Range", "bytes=1-").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1]))
            .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 409) {
          return writer;
        }
        Thread.sleep(50);
      }
      writer.close(); // a probe may have held the upload when this writer came: again
      assertTrue(System.nanoTime() < deadline, "no writer came to hold the upload");
    }
  }

  private OstoreClient resumably() {
    return OstoreClient.builder(cluster.uri()).resumableAbove(1 << 20).transferListener(events)
        .build();
  }

  @Test
  void aKeptUploadIsFinishedLaterAndADeletedOneIsGone() throws Exception {
    UploadBrokenException kept;
    UploadBrokenException deleted;
    try (CuttingProxy proxy = CuttingProxy.cuttingRequests(cluster.uri(), 2, 3_000_000)) {
      kept = assertThrows(UploadBrokenException.class, () -> through(proxy)
          .uploadRetries(0, Duration.ZERO).keepBrokenUploads(true).build().put("kept", file));
      deleted = assertThrows(UploadBrokenException.class, () -> through(proxy)
          .uploadRetries(0, Duration.ZERO).build().put("deleted", file));
    }
    assertTrue(kept.kept());

    assertEquals(FakeOstoreServer.sha256(bytes),
        direct.resumeUpload("kept", kept.location(), file).hash());
    assertArrayEquals(bytes, read("kept"));

    OstoreClientException gone = assertThrows(OstoreClientException.class,
        () -> direct.resumeUpload("deleted", deleted.location(), file));
    assertEquals(404, gone.status());
  }

  private OstoreClient.Builder through(CuttingProxy proxy) {
    return OstoreClient.builder(proxy.uri())
        .resumableAbove(1 << 20)
        .uploadRetries(5, Duration.ofMillis(50))
        .transferListener(events);
  }

  private byte[] read(String name) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    direct.get(name, out);
    return out.toByteArray();
  }
}
