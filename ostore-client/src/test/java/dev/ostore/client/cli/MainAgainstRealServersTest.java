package dev.ostore.client.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.client.FakeOstoreServer;
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
    String line = "1\t300000\t" + sha256(bytes) + "\tdata.bin\n";
    Run put = run("put", "data.bin", file.toString());
    assertEquals(0, put.status, put.err);
    assertEquals(line, put.text());
    Run got = run("get", "data.bin");
    assertEquals(0, got.status);
    assertArrayEquals(bytes, got.out);
    assertEquals(line, run("head", "data.bin").text());
    assertTrue(run("locate", "data.bin").text().startsWith("127.0.0.1:"));
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
    assertEquals(1, gone.status);
    assertEquals("ostore: object doc é was deleted at version 3 (HTTP 404)\n", gone.err);
    assertEquals(other, run("list").text());
    assertEquals(v1 + v2 + "3\t0\tdeleted\tdoc é\n", run("versions", "doc é").text());
    Path out = dir.resolve("out");
    assertEquals(0, run("get", "doc é", out.toString(), "--version", "2").status);
    assertEquals("second!", Files.readString(out));
    assertEquals(1, run("delete", "doc é").status);
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

  private static String sha256(byte[] bytes) {
    return FakeOstoreServer.sha256(bytes);
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
