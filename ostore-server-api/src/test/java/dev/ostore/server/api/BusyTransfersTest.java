package dev.ostore.server.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.TestData;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Api server processes that stream only so many PUTs, GETs and resumable appends of content in
 * shards at once ({@code MAX_TRANSFERS}): one more waits for a slot ({@code TRANSFER_WAIT}) and is
 * answered 503 when none comes free, small objects go on meanwhile, and many big transfers at
 * once in a small heap all end well, one after another, where each holding its buffers at once
 * ran the server out of memory.
 */
@Timeout(180)
class BusyTransfersTest {
  private static final int BIG = 1 << 20;

  @TempDir
  Path root;

  @Test
  void aTransferPastTheLimitWaitsThenIsAnswered503WhileSmallObjectsGoOn() throws Exception {
    ServerProcess.Listening listening = start(List.of(), Map.of("MAX_TRANSFERS", "1",
        "TRANSFER_WAIT", "300ms"));
    try (ServerProcess api = listening.server()) {
      Http http = http(listening);
      byte[] before = TestData.randomBytes(BIG, 1);
      assertEquals(200, http.put("/objects/before", before).statusCode());
      byte[] held = TestData.randomBytes(BIG, 2);
      CountDownLatch paused = new CountDownLatch(1);
      CountDownLatch resume = new CountDownLatch(1);
      CompletableFuture<HttpResponse<String>> holding = CompletableFuture.supplyAsync(() -> {
        try {
          return http.put("/objects/held", held.length, () -> new PausingStream(
              new ByteArrayInputStream(held), held.length / 4, paused, resume));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertTrue(paused.await(30, TimeUnit.SECONDS));
      // The held PUT takes the one slot before its body, its length known; the socket's buffers
      // may have taken the body's first part before the server read the request.
      awaitMetric(http, "ostore_transfers_in_progress 1");
      long start = System.nanoTime();
      String refused = http.exchangeRaw("PUT /objects/other HTTP/1.1\r\nHost: x\r\n"
          + "Content-Length: " + BIG + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
      assertTrue(refused.startsWith("HTTP/1.1 503 "), refused);
      assertTrue(refused.contains("\r\nRetry-After: 1\r\n"), refused);
      assertFalse(refused.contains("100 Continue"), refused);
      String reason = "too many transfers in progress on this server (1, none ended within "
          + "300 ms) to take other\n";
      assertTrue(refused.endsWith("\r\n\r\n" + reason), refused);
      HttpResponse<String> get = http.get("/objects/before");
      assertEquals(503, get.statusCode());
      assertEquals("too many transfers in progress on this server (1, none ended within 300 ms)"
          + " to take before\n", get.body());
      assertEquals(200, http.put("/objects/small", TestData.randomBytes(4096, 3)).statusCode());
      // A resumable upload starts, but its append waits for a slot as a PUT does.
      byte[] resumed = TestData.randomBytes(BIG, 6);
      String location = http.send(HttpRequest.newBuilder(http.uri("/objects/resumed"))
          .header("Size", Integer.toString(BIG)).POST(HttpRequest.BodyPublishers.noBody()))
          .headers().firstValue("Location").orElseThrow();
      String append = http.exchangeRaw("PUT " + location + " HTTP/1.1\r\nHost: x\r\n"
          + "Range: bytes=0-\r\nContent-Length: " + BIG + "\r\nExpect: 100-continue\r\n"
          + "Connection: close\r\n\r\n");
      assertTrue(append.startsWith("HTTP/1.1 503 "), append);
      assertTrue(append.endsWith(" to take upload of resumed\n"), append);
      String metrics = http.get("/metrics").body();
      assertTrue(metrics.contains("\nostore_transfers_in_progress 1\n"), metrics);
      assertTrue(metrics.contains("\nostore_transfers_limit 1\n"), metrics);
      assertTrue(metrics.contains("\nostore_transfers_refused_total 3\n"), metrics);
      api.awaitLog("api PUT /objects/other -> 503: " + reason.strip(), Duration.ofSeconds(10));

      resume.countDown();
      assertEquals(200, holding.get(60, TimeUnit.SECONDS).statusCode());
      byte[] other = TestData.randomBytes(BIG, 4);
      assertEquals(200, http.put("/objects/other", other).statusCode());
      assertArrayEquals(other, http.getBytes("/objects/other").body());
      assertArrayEquals(held, http.getBytes("/objects/held").body());
      assertArrayEquals(before, http.getBytes("/objects/before").body());
      assertEquals(200, http.send(HttpRequest.newBuilder(http.uri(location))
          .header("Range", "bytes=0-").PUT(HttpRequest.BodyPublishers.ofByteArray(resumed)))
          .statusCode());
      assertArrayEquals(resumed, http.getBytes("/objects/resumed").body());
    }
  }

  @Test
  void manyBigTransfersAtOnceInASmallHeapAllEndWell() throws Exception {
    int clients = 24;
    byte[] body = TestData.randomBytes(8 << 20, 5);
    // 24 transfers of 8 MiB in a heap of 96 MiB: without a limit each holds about 16 MiB.
    ServerProcess.Listening listening = start(List.of("-Xmx96m"),
        Map.of("TRANSFER_WAIT", "60s"));
    try (ServerProcess api = listening.server()) {
      Http http = http(listening);
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<Integer>> puts = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          String path = "/objects/big-" + i;
          puts.add(pool.submit(() -> http.put(path, body).statusCode()));
        }
        for (Future<Integer> put : puts) {
          assertEquals(200, put.get(120, TimeUnit.SECONDS));
        }
        for (HttpResponse<byte[]> answer : getBigAtOnce(http, pool, clients)) {
          assertArrayEquals(body, answer.body());
        }
      } finally {
        pool.shutdownNow();
      }
      assertFalse(api.output().contains("OutOfMemoryError"), api.output());
    }
  }

  /**
   * Long shard reads go past the page cache into buffers outside the heap, whose JVM limit is
   * the heap's size: eight GETs of 32 MiB at once asked a 64 MiB JVM for more than it had.
   */
  @Test
  void manyBigGetsAtOnceInASmallHeapAllEndWell() throws Exception {
    int clients = 8;
    byte[] body = TestData.randomBytes(32 << 20, 6);
    ServerProcess.Listening listening = start(List.of("-Xmx64m"),
        Map.of("TRANSFER_WAIT", "60s"));
    try (ServerProcess api = listening.server()) {
      Http http = http(listening);
      for (int i = 0; i < clients; i++) {
        assertEquals(200, http.put("/objects/big-" + i, body).statusCode());
      }
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        for (HttpResponse<byte[]> answer : getBigAtOnce(http, pool, clients)) {
          assertEquals(200, answer.statusCode(), () -> new String(answer.body(), UTF_8));
          assertArrayEquals(body, answer.body());
        }
      } finally {
        pool.shutdownNow();
      }
      assertFalse(api.output().contains("OutOfMemoryError"), api.output());
    }
  }

  /** GETs of {@code /objects/big-0} to {@code big-<count - 1>} at once on {@code pool}. */
  private static List<HttpResponse<byte[]>> getBigAtOnce(Http http, ExecutorService pool,
      int count) throws Exception {
    List<Future<HttpResponse<byte[]>>> gets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String path = "/objects/big-" + i;
      gets.add(pool.submit(() -> http.getBytes(path)));
    }
    List<HttpResponse<byte[]>> answers = new ArrayList<>();
    for (Future<HttpResponse<byte[]>> get : gets) {
      answers.add(get.get(120, TimeUnit.SECONDS));
    }
    return answers;
  }

  private static void awaitMetric(Http http, String line) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!http.get("/metrics").body().contains("\n" + line + "\n")) {
      assertTrue(System.nanoTime() < deadline, "no " + line + " in /metrics in time");
      Thread.sleep(20);
    }
  }

  /** A one-command store with {@code jvmOptions} and {@code settings} in its environment. */
  private ServerProcess.Listening start(List<String> jvmOptions, Map<String, String> settings)
      throws Exception {
    return ServerProcess.startOnFreePort(port -> {
      Map<String, String> env = new HashMap<>(settings);
      env.put("LISTEN_ADDRESS", "127.0.0.1:" + port);
      env.put("STORAGE_ROOT", root.toString());
      return ServerProcess.start(ApiServerMain.class, jvmOptions, env, List.of(),
          root.resolve("api.log"));
    }, Duration.ofSeconds(30));
  }

  private static Http http(ServerProcess.Listening listening) {
    return new Http(URI.create("http://127.0.0.1:" + listening.port()));
  }
}
