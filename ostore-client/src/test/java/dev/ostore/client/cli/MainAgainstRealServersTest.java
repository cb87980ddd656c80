package dev.ostore.client.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.client.CuttingProxy;
import dev.ostore.client.FakeOstoreServer;
import dev.ostore.client.ObjectVersion;
import dev.ostore.client.OstoreClient;
import dev.ostore.client.cli.CommandLine.Run;
import dev.ostore.server.api.LocalCluster;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a real store in this process. */
@Timeout(60)
class MainAgainstRealServersTest {
  @TempDir
  Path dir;
  LocalCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = LocalCluster.start(dir.resolve("store"));
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void putGetHeadAndLocateAFile() throws Exception {
    byte[] bytes = new byte[300_000];
    new Random(3).nextBytes(bytes);
    Path file = dir.resolve("in.bin");
    Files.write(file, bytes);
    String line = "1\t300000\t" + sha256(bytes) + "\tdata.bin\n";
    Run put = run("put", "data.bin", file.toString());
    assertEquals(0, put.status(), put.err());
    assertEquals(line, put.text());
    Run got = run("get", "data.bin");
    assertEquals(0, got.status());
    assertArrayEquals(bytes, got.out());
    assertEquals(line, run("head", "data.bin").text());
    assertTrue(run("locate", "data.bin").text().startsWith("0 127.0.0.1:"));
  }

  /**
   * A FIFO, as /dev/stdin is when a shell pipes into it, can be read once: it is streamed. (Read
   * twice, the second open would wait for a writer for ever: the timeout's own thread fails it.)
   */
  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFileThatCanBeReadOnlyOnceIsPutAsAStream() throws Exception {
    byte[] bytes = new byte[100_000];
    new Random(4).nextBytes(bytes);
    try (Fifo fifo = new Fifo(dir.resolve("fifo"))) {
      CompletableFuture<Void> written = fifo.write(bytes);
      Run put = run("put", "piped", fifo.path.toString());
      assertEquals(0, put.status(), put.err());
      written.get(20, TimeUnit.SECONDS);
      assertArrayEquals(bytes, run("get", "piped").out());
    }
  }

  @Test
  void aConditionalPutOrDeleteWritesOnlyWhenItsConditionHolds() throws Exception {
    Path file = Files.write(dir.resolve("one"), new byte[] {1});
    assertEquals(0, run("put", "c", file.toString(), "--if-absent").status());
    Run again = run("put", "c", file.toString(), "--if-absent");
    assertEquals(1, again.status());
    assertTrue(again.err().contains("object c is at version 1"), again.err());
    String first = sha256(new byte[] {1});
    Path two = Files.write(dir.resolve("two"), new byte[] {2});
    Run stale = run("put", "c", two.toString(), "--if-match", sha256(new byte[] {9}));
    assertEquals(1, stale.status());
    assertTrue(stale.err().contains("which If-Match does not name"), stale.err());
    Run update = run("put", "c", two.toString(), "--if-match", first);
    assertEquals(0, update.status(), update.err());
    assertTrue(update.text().startsWith("2\t1\t"), update.text());
    assertEquals(1, run("delete", "c", "--if-match", first).status());
    assertEquals(0, run("delete", "c", "--if-match", sha256(new byte[] {2})).status());
  }

  @Test
  void putOfABigFileGoesOnAfterBreaksAndSaysSo() throws Exception {
    byte[] bytes = new byte[(64 << 20) + 1];
    new Random(6).nextBytes(bytes);
    Path file = Files.write(dir.resolve("big.bin"), bytes);
    try (CuttingProxy proxy = CuttingProxy.cuttingRequests(cluster.uri(), 1, 20 << 20)) {
      Run put = new CommandLine(proxy.uri(), true).run("put", "big.bin", file.toString());
      assertEquals(0, put.status(), put.err());
      assertEquals("1\t" + bytes.length + "\t" + sha256(bytes) + "\tbig.bin\n", put.text());
      assertTrue(put.err().contains("\rresuming at "), put.err());
      assertEquals(0, proxy.cutsLeft());
    }
    Run got = run("get", "big.bin");
    assertEquals(0, got.status(), got.err());
    assertArrayEquals(bytes, got.out());
  }

  @Test
  void getResumeContinuesAPartialFileInPlace() throws Exception {
    byte[] bytes = new byte[300_000];
    new Random(4).nextBytes(bytes);
    Path source = dir.resolve("source.bin");
    Files.write(source, bytes);
    assertEquals(0, run("put", "resumed.bin", source.toString()).status());
    Path partial = Files.write(dir.resolve("partial.bin"), Arrays.copyOf(bytes, 123_456));
    Run resumed = run("get", "resumed.bin", partial.toString(), "--resume");
    assertEquals(0, resumed.status(), resumed.err());
    assertArrayEquals(bytes, Files.readAllBytes(partial));

    Files.write(partial, new byte[1000]); // not the object's start
    Run wrong = run("get", "resumed.bin", partial.toString(), "--resume");
    assertEquals(1, wrong.status());
    assertTrue(wrong.err().contains(" held are not the start of the object"), wrong.err());
    assertArrayEquals(new byte[1000], Files.readAllBytes(partial), "left as it was");
    assertEquals(2, run("get", "resumed.bin", "--resume").status(), "needs a FILE");
  }

  @Test
  void versionsDeleteAndList() throws Exception {
    Path first = Files.writeString(dir.resolve("first"), "first");
    Path second = Files.writeString(dir.resolve("second"), "second!");
    run("put", "doc é", first.toString());
    run("put", "doc é", second.toString());
    run("put", "other", first.toString());
    String v1 = "1\t5\t" + sha256("first".getBytes()) + "\tdoc é\n";
    String v2 = "2\t7\t" + sha256("second!".getBytes()) + "\tdoc é\n";
    String other = "1\t5\t" + sha256("first".getBytes()) + "\tother\n";

    assertEquals(v1 + v2, run("versions", "doc é").text());
    assertEquals(v2 + other, run("list").text());
    assertEquals(v2, run("list", "doc").text());
    assertEquals("first", run("get", "doc é", "--version", "1").text());
    assertEquals(v1, run("head", "doc é", "--version", "1").text());

    assertEquals("3\t0\tdeleted\tdoc é\n", run("delete", "doc é").text());
    Run gone = run("get", "doc é");
    assertEquals(1, gone.status());
    assertEquals("ostore: object doc é was deleted at version 3 (HTTP 404)\n", gone.err());
    assertEquals(other, run("list").text());
    assertEquals(v1 + v2 + "3\t0\tdeleted\tdoc é\n", run("versions", "doc é").text());
    Path out = dir.resolve("out");
    assertEquals(0, run("get", "doc é", out.toString(), "--version", "2").status());
    assertEquals("second!", Files.readString(out));
    assertEquals(1, run("delete", "doc é").status());
  }

  /** --long puts when each version was written before its name: listed to the millisecond. */
  @Test
  void longLinesSayWhenEachVersionWasWritten() throws Exception {
    Path file = Files.writeString(dir.resolve("in"), "content");
    String hash = sha256("content".getBytes());
    String put = run("put", "doc", file.toString(), "--long").text();
    String deleted = run("delete", "doc", "--long").text();
    List<String> versions = run("versions", "doc", "--long").text().lines().toList();
    assertEquals(List.of(put.strip(), deleted.strip()), versions);
    String[] first = versions.get(0).split("\t");
    String[] tombstone = versions.get(1).split("\t");
    assertEquals(List.of("1", "7", hash, "doc"), List.of(first[0], first[1], first[2], first[4]));
    assertEquals(List.of("2", "0", "deleted", "doc"),
        List.of(tombstone[0], tombstone[1], tombstone[2], tombstone[4]));
    Instant written = Instant.parse(first[3]);
    assertTrue(Duration.between(written, Instant.now()).abs().toMinutes() < 5, first[3]);
    assertTrue(!Instant.parse(tombstone[3]).isBefore(written), versions.toString());
    assertEquals("1\t7\t" + hash + "\t" + written.truncatedTo(ChronoUnit.SECONDS) + "\tdoc\n",
        run("head", "doc", "--version", "1", "--long").text(), "a head knows the second");
    assertEquals("1\t7\t" + hash + "\tdoc\n", run("head", "doc", "--version", "1").text());
    Run misplaced = run("get", "doc", "--long");
    assertEquals(2, misplaced.status());
    assertTrue(misplaced.err().contains("option --long is for put, head, delete, versions and"
        + " list only"), misplaced.err());
  }

  @Test
  void aMissingObjectExits1WithTheServersMessage() throws Exception {
    Run missing = run("get", "nothing");
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("object nothing not found"), missing.err());
    assertEquals(0, missing.out().length);
  }

  @Test
  void missingAndDeletedObjectsReadTheSameInGetHeadAndLocate() throws Exception {
    Path file = Files.writeString(dir.resolve("in"), "content");
    run("put", "doc é", file.toString());
    run("delete", "doc é");
    for (String command : new String[] {"get", "head", "locate"}) {
      Run deleted = run(command, "doc é");
      assertEquals(Main.FAILED, deleted.status(), command);
      assertEquals("ostore: object doc é was deleted at version 2 (HTTP 404)\n", deleted.err(),
          command);
      Run missing = run(command, "never 100%");
      assertEquals(Main.FAILED, missing.status(), command);
      assertEquals("ostore: object never 100% not found (HTTP 404)\n", missing.err(), command);
    }
  }

  @Test
  void benchDeletesWhatItWroteAndSaysSo() throws Exception {
    Run bench = run("bench", "--size", "1k", "--count", "30", "--concurrency", "3",
        "--op", "mixed", "--warmup", "0s");
    assertEquals(0, bench.status(), bench.err());
    Map<String, String> figures = figures(bench);
    assertEquals("0", figures.get("warmup_operations"));
    assertEquals("0", figures.get("errors"));
    // 12 objects stored to be read, then 15 PUTs of the 30 mixed operations.
    assertEquals("27", figures.get("deleted_objects"));
    assertEquals(0, client().allVersions("bench-").count(), "every version removed for good");
    assertEquals("", run("list").text());
  }

  @Test
  void benchKeepsWhatItWroteWhenAsked() throws Exception {
    Run bench = run("bench", "--size", "1k", "--count", "10", "--concurrency", "2",
        "--warmup", "0", "--keep");
    assertEquals(0, bench.status(), bench.err());
    String kept = figures(bench).get("kept_objects");
    assertTrue(kept.matches("bench-[0-9a-f]{8}-\\*"), kept);
    assertEquals(10, run("list", kept.substring(0, kept.length() - 1)).text().lines().count());
  }

  @Test
  void benchPrintsItsFiguresWithoutErrors() throws Exception {
    for (String op : new String[] {"put", "get", "mixed"}) {
      Run bench = run("bench", "--size", "4k", "--count", "50", "--concurrency", "4",
          "--op", op, "--warmup", "20");
      assertEquals(0, bench.status(), bench.err());
      assertTrue(bench.text().contains("operations: 50"), bench.text());
      assertTrue(bench.text().contains("errors: 0"), bench.text());
      assertTrue(bench.text().contains("latency_p99_ms: "), bench.text());
    }
  }

  @Test
  void aFileThatCannotBeReadIsNamed() throws Exception {
    Run put = run("put", "x", dir.toString());
    assertEquals(Main.FAILED, put.status());
    assertEquals("ostore: " + dir + ": Is a directory\n", put.err());
  }

  @Test
  void aReaderThatStopsEarlyEndsGetQuietlyAsIfBySigpipe() throws Exception {
    byte[] big = new byte[4 << 20];
    new Random(5).nextBytes(big);
    client().put("big", big);
    byte[] first = java.util.Arrays.copyOf(big, 10);
    // get big - | head -c 10
    assertClosedPipeAfter(10, first, pipe -> runInto(pipe, "get", "big", "-"));
    // get big FIFO, or /dev/stdout, which get writes as a file
    assertClosedPipeAfter(10, first, pipe -> run("get", "big", pipe.path.toString()));
  }

  @Test
  void aReaderThatStopsEarlyEndsListQuietlyAsIfBySigpipe() throws Exception {
    OstoreClient client = client();
    // More than the 64 KiB of the pipe and the 64 KiB of the command's own buffer.
    for (int i = 0; i < 600; i++) {
      client.put(String.format("n%03d-", i) + "x".repeat(240), new byte[0]);
    }
    String first = "1\t0\t" + sha256(new byte[0]) + "\tn000-" + "x".repeat(240) + "\n";
    assertClosedPipeAfter(first.length(), first.getBytes(StandardCharsets.UTF_8),
        pipe -> runInto(pipe, "list"));
  }

  /** Runs a command into a pipe whose reader takes {@code limit} bytes and goes away. */
  private void assertClosedPipeAfter(int limit, byte[] expected, Function<Fifo, Run> command)
      throws Exception {
    try (Fifo pipe = new Fifo(dir.resolve("pipe"))) {
      CompletableFuture<byte[]> head = pipe.read(limit);
      Run run = command.apply(pipe);
      assertArrayEquals(expected, head.get(20, TimeUnit.SECONDS));
      assertEquals("", run.err());
      assertEquals(Main.CLOSED_PIPE, run.status());
    }
    Files.delete(dir.resolve("pipe"));
  }

  /** Runs {@code words} with the pipe as standard output. */
  private Run runInto(Fifo pipe, String... words) {
    try (OutputStream out = new FileOutputStream(pipe.path.toFile())) {
      return new CommandLine(cluster.uri()).run(out, words);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private OstoreClient client() {
    return OstoreClient.builder(cluster.uri()).build();
  }

  private static Map<String, String> figures(Run bench) {
    Map<String, String> figures = new HashMap<>();
    bench.text().lines().forEach(line -> {
      String[] keyValue = line.split(": ", 2);
      figures.put(keyValue[0], keyValue[1]);
    });
    return figures;
  }

  private static String sha256(byte[] bytes) {
    return FakeOstoreServer.sha256(bytes);
  }

  @Test
  void repairStatusAndStartShowTheServiceAsJson() throws Exception {
    Run idle = run("repair", "status");
    assertEquals(0, idle.status(), idle.err());
    assertEquals("{\"state\":\"idle\",\"pass\":null,\"lastPass\":null}\n", idle.text());

    Run started = run("repair", "start");
    assertEquals(0, started.status(), started.err());
    assertTrue(started.text().startsWith("{\"state\":\"running\",\"pass\":{\"started\":")
        || started.text().contains("\"lastPass\":{"), started.text());

    Run wrong = run("repair", "now");
    assertEquals(2, wrong.status());
    assertTrue(wrong.err().contains("repair takes status or start"), wrong.err());
  }

  @Test
  void deleteOfAVersionRemovesItAndGcWaitsForItsPass() throws Exception {
    Path file = Files.write(dir.resolve("one"), new byte[] {1});
    assertEquals(0, run("put", "a", file.toString()).status());
    assertEquals(0, run("put", "a", file.toString()).status());

    Run removed = run("delete", "a", "--version", "1");
    assertEquals(0, removed.status(), removed.err());
    assertEquals("removed a version 1\n", removed.text());
    assertEquals(1, run("delete", "a", "--version", "1").status());

    Run gc = run("gc", "--dry-run", "--wait");
    assertEquals(0, gc.status(), gc.err());
    assertTrue(gc.text().startsWith("{\"state\":\"idle\",\"pass\":null,\"lastPass\":{"),
        gc.text());
    assertTrue(gc.text().contains("\"dryRun\":true"), gc.text());
    Run wrong = run("list", "--wait");
    assertEquals(2, wrong.status());
    assertTrue(wrong.err().contains("--wait is for gc only"), wrong.err());
  }

  private Run run(String... words) {
    return new CommandLine(cluster.uri()).run(words);
  }
}
