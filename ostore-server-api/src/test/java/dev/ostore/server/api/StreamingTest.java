package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Large objects stream through the api server whole, in memory that does not grow with them. */
class StreamingTest {
  static final long MIB = 1024 * 1024;

  @TempDir
  Path root;

  @Test
  @Timeout(120)
  void a256MiBObjectArrivesIntact() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(root)) {
      putAndGet(cluster.uri().toString(), 256 * MIB, 7);
    }
  }

  @Test
  @Timeout(600)
  void a2GiBObjectAndThousandsOfSmallOnesPassThroughAStoreWith64MiBOfHeap() throws Exception {
    ServerProcess.Listening listening = ServerProcess.startOnFreePort(
        free -> ServerProcess.start(ApiServerMain.class, List.of("-Xmx64m"), Map.of(),
            List.of("--listen-address", "127.0.0.1:" + free, "--storage-root", root.toString()),
            Path.of("target", "server-logs", "streaming-64m.log")), Duration.ofSeconds(30));
    int port = listening.port();
    try (ServerProcess store = listening.server()) {
      putAndGet("http://127.0.0.1:" + port, 2048 * MIB, 11);
      // Nor does memory grow with the number of uploads: each must leave nothing behind.
      Http http = new Http(java.net.URI.create("http://127.0.0.1:" + port));
      for (int i = 0; i < 2_000; i++) {
        assertEquals(200, http.put("/objects/small-" + i, new byte[4096]).statusCode());
      }
      assertTrue(store.isAlive());
    }
  }

  /**
   * PUTs {@code size} seeded random bytes and GETs them back, streaming both ways, and checks the
   * SHA-256 of what came back against what was sent.
   */
  static void putAndGet(String base, long size, long seed) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    MessageDigest sent = MessageDigest.getInstance("SHA-256");
    HttpResponse<String> put = client.send(HttpRequest.newBuilder(
            java.net.URI.create(base + "/objects/big"))
        .PUT(HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> new SeededStream(size, seed, sent)),
            size))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, put.statusCode(), put.body());
    HttpResponse<InputStream> got = client.send(HttpRequest.newBuilder(
        java.net.URI.create(base + "/objects/big")).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, got.statusCode());
    assertEquals(Long.toString(size), got.headers().firstValue("Content-Length").orElseThrow());
    MessageDigest received = MessageDigest.getInstance("SHA-256");
    long total = 0;
    try (InputStream in = got.body()) {
      byte[] buffer = new byte[256 * 1024];
      for (int n; (n = in.read(buffer)) != -1; ) {
        received.update(buffer, 0, n);
        total += n;
      }
    }
    assertEquals(size, total);
    assertArrayEquals(sent.digest(), received.digest(), "SHA-256 of what came back");
  }

  /** {@code size} bytes from {@code new Random(seed)}, generated as read and hashed on the way. */
  static final class SeededStream extends InputStream {
    private final Random random;
    private final MessageDigest digest;
    private long remaining;

    SeededStream(long size, long seed, MessageDigest digest) {
      this.random = new Random(seed);
      this.digest = digest;
      this.remaining = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) {
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(length, remaining);
      byte[] chunk = new byte[n];
      random.nextBytes(chunk);
      System.arraycopy(chunk, 0, bytes, offset, n);
      digest.update(chunk);
      remaining -= n;
      return n;
    }
  }
}
