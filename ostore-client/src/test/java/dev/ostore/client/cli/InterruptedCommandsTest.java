package dev.ostore.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.client.FakeOstoreServer;
import dev.ostore.client.OstoreClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line stopped mid-command, as Ctrl-C or a SIGTERM stops it: it cleans up what a
 * failed command would have left, says so, and exits with the signal's status. Each command runs
 * in a JVM of its own against a fake server that sends and takes bodies slowly.
 */
@Timeout(120)
class InterruptedCommandsTest {
  /** What a shell reports for a process that SIGTERM stopped (128 + 15). */
  private static final int TERMINATED = 143;
  private static final int MIB = 1024 * 1024;

  @TempDir
  Path dir;
  /** Where the commands' output and errors go: not {@link #dir}, whose files are checked. */
  @TempDir
  Path logs;
  private final FakeOstoreServer server = new FakeOstoreServer();
  private final OstoreClient client = OstoreClient.builder(server.uri()).build();

  InterruptedCommandsTest() throws IOException {
    server.slowly();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void anInterruptedGetLeavesNoTemporaryFile() throws Exception {
    server.store("big", new byte[8 * MIB]);
    Path out = dir.resolve("out");
    Running get = start("get", "big", out.toString());
    awaitTrue(() -> files().stream().anyMatch(file -> file.endsWith(".part") && size(file) > 0));
    assertStoppedSaying(get, "ostore: interrupted");
    assertEquals(List.of(), files(), "nothing left, not even the temporary file");
  }

  @Test
  void anInterruptedResumablePutDeletesItsUpload() throws Exception {
    Path file = dir.resolve("big");
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(64 * MIB); // as large as goes up resumably
    }
    Running put = start("put", "big", file.toString());
    awaitTrue(() -> server.openUploads() == 1 && server.uploadedBytes() > MIB);
    assertStoppedSaying(put, "ostore: interrupted");
    assertEquals(0, server.openUploads(), "the upload was deleted on the server");
    assertEquals(null, server.object("big"));
  }

  @Test
  void anInterruptedBenchRemovesWhatItWrote() throws Exception {
    Running bench = start("bench", "--size", "4k", "--count", "1000000", "--concurrency", "2",
        "--warmup", "0");
    awaitTrue(() -> live("bench-", 20) == 20);
    assertStoppedSaying(bench, "ostore: interrupted");
    assertEquals(0, live("bench-", Long.MAX_VALUE), "live objects left");
  }

  /** A command line running in a JVM of its own, and the file its errors go to. */
  private record Running(Process process, Path err) {}

  /** The command line in a JVM of its own, its output and errors in files of their own. */
  private Running start(String... words) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--server", server.uri().toString()));
    command.addAll(List.of(words));
    Path err = logs.resolve(words[0] + ".err");
    return new Running(new ProcessBuilder(command)
        .redirectOutput(logs.resolve(words[0] + ".out").toFile())
        .redirectError(err.toFile()).start(), err);
  }

  /** Stops the command as SIGTERM does, and checks its status and last words. */
  private static void assertStoppedSaying(Running command, String said) throws Exception {
    command.process().destroy();
    assertTrue(command.process().waitFor(60, TimeUnit.SECONDS), "still running");
    String err = Files.readString(command.err(), StandardCharsets.UTF_8);
    assertEquals(TERMINATED, command.process().exitValue(), err);
    assertEquals(said, err.strip());
  }

  /** How many objects named from {@code prefix} are live, counting to {@code atMost}. */
  private long live(String prefix, long atMost) {
    try {
      return client.list(prefix).limit(atMost).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private List<String> files() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(path -> path.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private long size(String name) {
    try {
      return Files.size(dir.resolve(name));
    } catch (IOException e) {
      return 0; // renamed or deleted meanwhile
    }
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not in time");
      Thread.sleep(20);
    }
  }
}
