package dev.ostore.client.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.server.api.LocalCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
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
    assertEquals(0, run("put", "data.bin", file.toString()).status);
    Run got = run("get", "data.bin");
    assertEquals(0, got.status);
    assertArrayEquals(bytes, got.out);
    assertEquals("300000\n", run("head", "data.bin").text());
    assertTrue(run("locate", "data.bin").text().startsWith("127.0.0.1:"));
  }

  @Test
  void aMissingObjectExits1WithTheServersMessage() throws Exception {
    Run missing = run("get", "nothing");
    assertEquals(1, missing.status);
    assertTrue(missing.err.contains("object nothing not found"), missing.err);
    assertEquals(0, missing.out.length);
  }

  @Test
  void benchPrintsItsFiguresWithoutErrors() throws Exception {
    for (String op : new String[] {"put", "get", "mixed"}) {
      Run bench = run("bench", "--size", "4k", "--count", "50", "--concurrency", "4",
          "--op", op);
      assertEquals(0, bench.status, bench.err);
      assertTrue(bench.text().contains("operations: 50"), bench.text());
      assertTrue(bench.text().contains("errors: 0"), bench.text());
      assertTrue(bench.text().contains("latency_p99_ms: "), bench.text());
    }
  }

  private Run run(String... words) {
    Map<String, String> env = new HashMap<>();
    env.put("OSTORE_SERVER", cluster.uri().toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(words, env, new StdStreams(new ByteArrayInputStream(new byte[0]), out,
        new PrintStream(err, true, StandardCharsets.UTF_8), false));
    return new Run(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  private record Run(int status, byte[] out, String err) {
    String text() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }
}
