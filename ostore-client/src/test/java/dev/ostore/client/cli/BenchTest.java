package dev.ostore.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.client.FakeOstoreServer;
import dev.ostore.client.FakeOstoreServer.Request;
import dev.ostore.client.OstoreClient;
import dev.ostore.client.cli.BenchOptions.Op;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** bench against the fake server: which requests it makes, what it counts and prints. */
@Timeout(30)
class BenchTest {
  private final FakeOstoreServer server = new FakeOstoreServer();
  private final OstoreClient client = OstoreClient.builder(server.uri()).build();

  BenchTest() throws IOException {}

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void putWritesWarmupThenCountDistinctNames() throws Exception {
    BenchResult result =
        run(new BenchOptions(Op.PUT, 1024, 20, 4, Warmup.operations(3), true));

    assertEquals(0, result.errors());
    assertEquals(20, result.latency().samples());
    List<Request> puts = server.requests();
    assertEquals(23, puts.size());
    assertEquals(23, puts.stream().map(Request::rawPath).distinct().count());
    assertTrue(puts.stream().allMatch(r -> r.method().equals("PUT") && r.bodyBytes() == 1024));
    assertTrue(puts.get(22).rawPath().matches("/objects/bench-[0-9a-f]{8}-(w?)\\d+"));
  }

  @Test
  void everyPutSendsContentOfItsOwnSoThatDedupDoesNotSkipIt() throws Exception {
    // 12 objects to read, 6 warm-up operations, 30 timed ones.
    run(new BenchOptions(Op.MIXED, 4096, 30, 3, Warmup.operations(6), true));
    List<String> digests = server.requests().stream().filter(r -> r.method().equals("PUT"))
        .map(r -> r.headers().getFirst("Digest")).toList();
    assertEquals(12 + 3 + 15, digests.size());
    assertEquals(digests.size(), digests.stream().distinct().count());
  }

  @Test
  void aTimedWarmupStartsNoOperationOnceItsTimeIsUp() throws Exception {
    BenchResult result = run(new BenchOptions(Op.PUT, 10, 5, 2,
        Warmup.forTime(Duration.ofMillis(300), 1_000_000), true));

    assertTrue(result.warmupOperations() > 0, "some warm-up ran");
    assertTrue(result.warmupSeconds() >= 0.3 && result.warmupSeconds() < 10,
        "warm-up took " + result.warmupSeconds() + " s");
    assertEquals(result.warmupOperations() + 5, count("PUT"));
    assertEquals(5, result.latency().samples());
  }

  @Test
  void getStoresObjectsFirstThenReadsThemCountTimes() throws Exception {
    BenchResult result = run(new BenchOptions(Op.GET, 100, 50, 2, Warmup.operations(0), true));

    assertEquals(0, result.errors());
    assertEquals(8, count("PUT")); // min(count, concurrency * 4)
    assertEquals(50, count("GET"));
  }

  @Test
  void mixedIsHalfPutsHalfGets() throws Exception {
    run(new BenchOptions(Op.MIXED, 10, 40, 3, Warmup.operations(0), true));
    assertEquals(12 + 20, count("PUT"));
    assertEquals(20, count("GET"));
  }

  @Test
  void failedOperationsAreCountedNotTimed() throws Exception {
    server.answerNextWith(503, "no data server is live");
    BenchResult result = run(new BenchOptions(Op.PUT, 10, 10, 1, Warmup.operations(0), true));
    assertEquals(1, result.errors());
    assertEquals(9, result.latency().samples());
    assertTrue(result.firstError().orElseThrow().contains("no data server is live"));
  }

  @Test
  void failureToStoreTheObjectsToReadStopsTheRun() {
    server.answerNextWith(503, "no data server is live");
    BenchOptions options = new BenchOptions(Op.GET, 10, 5, 1, Warmup.operations(0), true);
    IOException e = assertThrows(IOException.class, () -> run(options));
    assertEquals("storing the objects to read failed: no data server is live", e.getMessage());
  }

  @Test
  void aRunThatFailsStillDeletesWhatItWrote() throws IOException {
    server.answerLaterWith(5, 503, "no data server is live"); // one of the 8 objects to read
    BenchOptions options = new BenchOptions(Op.GET, 10, 50, 2, Warmup.operations(0), false);
    IOException e = assertThrows(IOException.class, () -> run(options));
    assertEquals("storing the objects to read failed: no data server is live", e.getMessage());
    assertEquals(8, count("PUT"));
    assertEquals(7, count("DELETE"));
    assertEquals(0, client.list("").count(), "live objects left");
  }

  @Test
  void resultPrintsOneKeyValuePerLine() throws Exception {
    BenchResult result = run(new BenchOptions(Op.PUT, 1000, 10, 2, Warmup.operations(1), true));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    result.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    Map<String, String> lines = new LinkedHashMap<>();
    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
      String[] keyValue = line.split(": ", 2);
      lines.put(keyValue[0], keyValue[1]);
    }
    assertEquals(List.of("op", "size_bytes", "concurrency", "warmup_operations", "warmup_s",
        "operations", "errors",
        "elapsed_s", "ops_per_s", "mb_per_s", "latency_p50_ms", "latency_p90_ms",
        "latency_p99_ms", "latency_max_ms", "kept_objects", "units"),
        List.copyOf(lines.keySet()));
    assertTrue(lines.get("kept_objects").matches("bench-[0-9a-f]{8}-\\*"),
        lines.get("kept_objects"));
    assertEquals("put", lines.get("op"));
    assertEquals("10", lines.get("operations"));
    assertEquals("0", lines.get("errors"));
    double elapsed = result.elapsedSeconds();
    assertEquals(String.format(Locale.ROOT, "%.3f", 10 / elapsed), lines.get("ops_per_s"));
    assertEquals(String.format(Locale.ROOT, "%.3f", 10_000 / elapsed / 1e6), lines.get("mb_per_s"));
  }

  @Test
  void benchCommandPrintsTheResultAndFailsWhenOperationsFail() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    server.answerNextWith(503, "no data server is live");
    int status = Main.run(new String[] {"bench", "--size", "1k", "--count", "4",
        "--concurrency", "2", "--warmup", "0"}, Map.of("OSTORE_SERVER", server.uri().toString()),
        new StdStreams(System.in, out, new PrintStream(err, true, StandardCharsets.UTF_8), false));

    assertEquals(Main.FAILED, status);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("errors: 1\n"));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith(
        "ostore: bench: 1 operations failed, the first with "), err.toString());
  }

  private BenchResult run(BenchOptions options) throws Exception {
    return Bench.run(client, options, new Random(42));
  }

  private long count(String method) {
    return server.requests().stream().filter(r -> r.method().equals(method)).count();
  }
}
