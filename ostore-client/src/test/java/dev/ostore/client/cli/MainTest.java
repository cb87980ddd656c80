package dev.ostore.client.cli;

import static dev.ostore.client.FakeOstoreServer.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.client.FakeOstoreServer;
import dev.ostore.client.ReservedPort;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line run in-process: exit statuses, what goes to stdout and stderr. */
@Timeout(30)
class MainTest {
  /** What one run left behind. */
  record Outcome(int status, byte[] out, String err) {
    String text() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  private final FakeOstoreServer server = new FakeOstoreServer();
  private final Map<String, String> env = Map.of("OSTORE_SERVER", server.uri().toString());

  @TempDir
  Path dir;

  MainTest() throws IOException {}

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void helpGoesToStdoutWithStatus0() {
    for (String[] words : new String[][] {{"--help"}, {"-h"}, {"help"}, {"nosuch", "--help"}}) {
      Outcome outcome = run(words);
      assertEquals(Main.OK, outcome.status());
      assertEquals(Usage.TEXT, outcome.text());
      assertEquals("", outcome.err());
    }
    for (String[] words : new String[][] {{"get", "x", "--help"}, {"help", "get"}, {"get", "-h"}}) {
      Outcome outcome = run(words);
      assertEquals(Main.OK, outcome.status());
      assertTrue(outcome.text().startsWith("usage: java -jar ostore-client.jar [--server URL]"),
          outcome.text());
      assertTrue(outcome.text().contains("\n  get NAME [FILE|-] [--version N] [--resume]\n"),
          outcome.text());
      assertTrue(outcome.text().contains("checking its SHA-256 on the way"), outcome.text());
      assertTrue(!outcome.text().contains("put NAME") && !outcome.text().contains("head NAME"),
          outcome.text());
    }
    String repair = run("repair", "--help").text();
    assertTrue(repair.contains("  repair status ") && repair.contains("  repair start "),
        repair);
    assertTrue(Usage.TEXT.contains("put and get show their progress on standard error when it"
        + " is a terminal"), Usage.TEXT);
  }

  @Test
  void usageErrorsExit2WithTheReasonAndAHintOnOneLine() {
    assertUsageError("no command given");
    assertUsageError("unknown command frobnicate", "frobnicate");
    assertUsageError("unknown option --fast", "--fast", "head", "x");
    assertUsageError("unknown option -x", "-x");
    assertUsageError("usage: put NAME FILE|- [--if-absent | --if-match HASH]", "put", "x");
    assertUsageError("options --if-absent and --if-match are for put and delete only", "get",
        "x", "--if-absent");
    assertUsageError("option --if-absent is for put only: a delete of nothing fails", "delete",
        "x", "--if-absent");
    assertUsageError("--if-absent and --if-match cannot both hold", "put", "x", "-",
        "--if-absent", "--if-match", "abc");
    assertUsageError("--if-match: not a SHA-256 in base64: abc", "put", "x", "-", "--if-match",
        "abc");
    assertUsageError("usage: get NAME [FILE|-] [--version N] [--resume]", "get", "x", "a", "b");
    assertUsageError("usage: head NAME [--version N]", "head");
    assertUsageError("usage: get NAME [FILE|-] [--version N] [--resume]", "get");
    assertUsageError("option --version needs a value", "get", "x", "--version");
    assertUsageError("usage: delete NAME [--version N | --if-match HASH]", "delete", "a", "b");
    assertUsageError("usage: versions NAME", "versions");
    assertUsageError("usage: list [PREFIX]", "list", "a", "b");
    assertUsageError("option --version is for get, head and delete only", "put", "x", "-",
        "--version", "1");
    assertUsageError("--version must be a whole number from 1 to 9223372036854775807, not 0",
        "get", "x", "--version", "0");
    assertUsageError("--version must be a whole number from 1 to 9223372036854775807, not 1.5",
        "head", "x", "--version=1.5");
    assertUsageError("option --version given twice", "get", "x", "--version", "1",
        "--version=2");
    assertUsageError("option --long given twice", "head", "x", "--long", "--long");
    assertUsageError("option --help given twice", "get", "-h", "--help");
    assertUsageError("option --server needs a value", "head", "x", "--server");
    assertUsageError("option --verbose takes no value", "--verbose=yes", "head", "x");
    assertUsageError("option --size is for bench only", "put", "x", "-", "--size", "1k");
    assertUsageError("option --keep is for bench only", "list", "--keep");
    assertUsageError("--timeout: not a time: 'soon' (use e.g. 500ms, 5s, 2m, 1h)",
        "--timeout", "soon", "list");
    assertUsageError("--timeout must be from 1ms to 596h: 0s", "--timeout", "0s", "list");
    assertUsageError("--timeout must be from 1ms to 596h: 99999999999s", "--timeout",
        "99999999999s", "list");
    assertUsageError("object name contains '/': a/b", "head", "a/b");
    assertUsageError("object name is empty", "get", "", "out");
    assertUsageError("bad server URL: ftp://h", "--server", "ftp://h", "head", "x");
    assertUsageError("bench needs --count", "bench", "--size", "1k", "--concurrency", "1");
    assertUsageError("bench: not a size: '1kb' (use e.g. 4096, 4k, 1m, 1g)",
        "bench", "--size", "1kb", "--count", "1", "--concurrency", "1");
    assertUsageError("bench: concurrency (0) must be at least 1",
        "bench", "--size", "1k", "--count", "1", "--concurrency", "0");
    assertUsageError("bench: count (5) must be at least concurrency (10)",
        "bench", "--size", "1k", "--count", "5", "--concurrency", "10");
    assertUsageError("bench: --op must be put, get or mixed, not delete",
        "bench", "--size", "1k", "--count", "1", "--concurrency", "1", "--op", "delete");
  }

  @Test
  void putFromFileThenGetToStdout() throws IOException {
    byte[] body = new byte[300_000];
    new Random(1).nextBytes(body);
    Path file = Files.write(dir.resolve("in"), body);

    assertEquals(Main.OK, run("put", "obj", file.toString()).status());
    Outcome get = run("get", "obj");
    assertEquals(Main.OK, get.status());
    assertArrayEquals(body, get.out());
    assertEquals("", get.err());
  }

  @Test
  void putOfABigFileIsResumedAfterABreakAndSaysSoOnATerminal() throws IOException {
    byte[] body = new byte[64 << 20];
    new Random(2).nextBytes(body);
    Path file = Files.write(dir.resolve("big"), body);
    server.cutUploads(1, 10 << 20);

    Outcome put = run(new ByteArrayInputStream(new byte[0]), true, "put", "big", file.toString());

    assertEquals(Main.OK, put.status(), put.err());
    assertEquals("1\t67108864\t" + sha256(body) + "\tbig\n", put.text());
    assertTrue(put.err().contains("\rresuming at 10.0 MiB / 64.0 MiB (15%) after: "), put.err());
    assertTrue(put.err().endsWith("\r\033[K"), "the progress line is erased: " + put.err());
    assertArrayEquals(body, server.object("big"));
    assertEquals("POST", server.requests().get(0).method());
  }

  @Test
  void putFromStdinIsStreamedAndGetWritesAFile() throws IOException {
    Outcome put = run(new ByteArrayInputStream("streamed".getBytes()), false, "put", "s", "-");
    assertEquals(Main.OK, put.status());
    assertEquals("chunked", server.requests().get(0).headers().getFirst("Transfer-Encoding"));

    Path target = dir.resolve("out");
    assertEquals(Main.OK, run("get", "s", target.toString()).status());
    assertEquals("streamed", Files.readString(target));
  }

  @Test
  void headPrintsTheVersionLineAndLocateTheAddress() {
    server.store("obj", new byte[1234]);
    server.store("obj", new byte[5]);
    assertEquals("2\t5\t" + sha256(new byte[5]) + "\tobj\n", run("head", "obj").text());
    assertEquals("1\t1234\t" + sha256(new byte[1234]) + "\tobj\n",
        run("head", "obj", "--version", "1").text());
    assertEquals("127.0.0.1:9001\n", run("locate", "obj").text());
    assertEquals("0 127.0.0.1:9001\n1 127.0.0.1:9002\n", run("locate", "sharded").text());
    Outcome inline = run("locate", "inline");
    assertEquals(Main.OK, inline.status());
    assertEquals("", inline.text(), "no line: no address");
    assertEquals("ostore: inline is kept in the metadata store, on no data server\n",
        inline.err());
  }

  /** The server numbers versions up to Long.MAX_VALUE, 19 digits: all of them can be asked for. */
  @Test
  void aVersionUpToLongMaxValueIsAskedForAndALargerOneRefused() {
    server.store("obj", new byte[5]);
    assertFailure("ostore: object obj not found (HTTP 404)\n",
        "get", "obj", "--version", "9223372036854775807");
    assertEquals("version=9223372036854775807", server.requests().get(0).rawQuery());
    assertUsageError("--version must be a whole number from 1 to 9223372036854775807,"
        + " not 9223372036854775808", "head", "obj", "--version", "9223372036854775808");
    assertEquals(1, server.requests().size(), "nothing sent for the refused one");
  }

  @Test
  void putPrintsTheNewVersionAndGetTakesAVersion() throws IOException {
    Path file = Files.writeString(dir.resolve("in"), "first");
    Outcome first = run("put", "my doc", file.toString());
    assertEquals(Main.OK, first.status());
    assertEquals("1\t5\t" + sha256("first".getBytes()) + "\tmy doc\n", first.text());
    Outcome second = run(new ByteArrayInputStream("second".getBytes()), false, "put", "my doc",
        "-");
    assertEquals("2\t6\t" + sha256("second".getBytes()) + "\tmy doc\n", second.text());

    assertEquals("second", run("get", "my doc").text());
    assertEquals("first", run("get", "--version", "1", "my doc").text());
    Path target = dir.resolve("out");
    assertEquals(Main.OK, run("get", "my doc", target.toString(), "--version=1").status());
    assertEquals("first", Files.readString(target));
  }

  @Test
  void deleteVersionsAndListPrintOneLinePerVersion() {
    server.store("a", new byte[1]);
    server.store("a", new byte[2]);
    server.store("b", new byte[3]);
    server.store("c", new byte[4]);

    assertEquals("3\t0\tdeleted\ta\n", run("delete", "a").text());
    assertEquals("1\t1\t" + sha256(new byte[1]) + "\ta\n"
        + "2\t2\t" + sha256(new byte[2]) + "\ta\n"
        + "3\t0\tdeleted\ta\n", run("versions", "a").text());
    assertEquals("1\t3\t" + sha256(new byte[3]) + "\tb\n"
        + "1\t4\t" + sha256(new byte[4]) + "\tc\n", run("list").text());
    assertEquals("1\t4\t" + sha256(new byte[4]) + "\tc\n", run("list", "c").text());
    assertFailure("ostore: object never has no versions: no object was ever named so\n",
        "versions", "never");
    assertEquals("", run("versions", "never").text());
    assertFailure("ostore: object a not found (HTTP 404)\n", "delete", "a");
  }

  @Test
  void aListingThatFailsPartWayPrintsWhatCameAndExits1() {
    for (int i = 0; i < 1001; i++) {
      server.store(String.format("n%04d", i), new byte[0]);
    }
    server.answerLaterWith(1, 503, "metadata store unavailable"); // the first page (1000) comes
    Outcome outcome = run("list");
    assertEquals(Main.FAILED, outcome.status());
    assertEquals("ostore: metadata store unavailable (HTTP 503)\n", outcome.err());
    assertEquals(1000, outcome.text().lines().count());
  }

  @Test
  void namesStartingWithADashFollowDoubleDash() {
    server.store("-x", new byte[3]);
    assertEquals("1\t3\t" + sha256(new byte[3]) + "\t-x\n", run("head", "--", "-x").text());
  }

  @Test
  void missingObjectExits1WithTheServersMessageOnOneLine() {
    Outcome outcome = run("get", "missing");
    assertEquals(Main.FAILED, outcome.status());
    assertEquals("ostore: object missing not found (HTTP 404)\n", outcome.err());
    assertEquals(0, outcome.out().length);
  }

  @Test
  void verboseAddsTheStackTrace() {
    Outcome outcome = run("--verbose", "head", "missing");
    assertEquals(Main.FAILED, outcome.status());
    assertTrue(outcome.err().contains("ObjectNotFoundException"), outcome.err());
    assertTrue(outcome.err().contains("\tat dev.ostore.client."), outcome.err());
  }

  @Test
  void otherFailuresExit1WithOneClearLine() {
    Path missing = dir.resolve("nope");
    assertFailure("ostore: " + missing + ": No such file or directory\n",
        "put", "x", missing.toString());
    server.answerNextWith(503, "no data server is live");
    assertFailure("ostore: no data server is live (HTTP 503)\n", "locate", "x");
    // A HEAD answer has no body; a server that does not repeat its reason in the Error-Message
    // header (this fake, as a server that is not ostore) leaves only the status line to tell.
    server.answerNextWith(503, "no data server is live");
    assertFailure("ostore: Service Unavailable (HTTP 503)\n", "head", "x");
  }

  @Test
  void unreachableServerIsNamed() throws IOException {
    try (ReservedPort nothingListens = new ReservedPort()) {
      URI nobody = nothingListens.uri();
      assertFailure("ostore: cannot reach " + nobody + ": Connection refused\n",
          "--server", nobody.toString(), "head", "x");
    }
  }

  @Test
  void aServerThatDoesNotAnswerFailsAfterTheTimeoutGiven() throws IOException {
    // The kernel accepts connections into the backlog; nothing ever answers them.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + silent.getLocalPort();
      long start = System.nanoTime();
      Outcome outcome = run("--server", url, "--timeout", "300ms", "head", "x");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertEquals(Main.FAILED, outcome.status());
      assertEquals("ostore: HEAD /objects/x: nothing came from " + url + " for 300 ms"
          + " (--timeout sets how long to wait)\n", outcome.err());
      assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "took " + took); // not the 60 s
    }
  }

  @Test
  void serverComesFromTheFlagThenTheEnvironmentThenTheDefault() throws UsageException {
    Map<String, String> env = Map.of("OSTORE_SERVER", "http://b:2");
    Args flag = Args.parse(new String[] {"--server", "http://a:1"}, Set.of("server"), Set.of());
    assertEquals(URI.create("http://a:1"), Main.server(flag, env));
    Args none = new Args(Map.of(), Set.of(), List.of());
    assertEquals(URI.create("http://b:2"), Main.server(none, env));
    assertEquals(URI.create(Main.DEFAULT_SERVER), Main.server(none, Map.of("OSTORE_SERVER", " ")));
    assertEquals(URI.create(Main.DEFAULT_SERVER), Main.server(none, Map.of()));
  }

  /** A failure that says it all is its message alone, without its class's name. */
  @Test
  void corruptBytesAreOneLineWithoutAClassName() {
    server.store("obj", new byte[1000]);
    server.tamperGetBodies();
    Outcome outcome = run("get", "obj");
    assertEquals(Main.FAILED, outcome.status());
    assertTrue(outcome.err().matches("ostore: GET obj: the bytes received have SHA-256 \\S+,"
        + " not the \\S+ the server declared: they are corrupt\n"), outcome.err());
  }

  @Test
  void progressIsDrawnAndErasedOnATerminalOnly() throws IOException {
    server.store("obj", new byte[200_000]);
    Path target = dir.resolve("out");

    ByteArrayInputStream noInput = new ByteArrayInputStream(new byte[0]);
    Outcome quiet = run(noInput, false, "get", "obj", target.toString());
    assertEquals("", quiet.err());

    Outcome shown = run(noInput, true, "get", "obj", target.toString());
    // The first line shows what the first read brought, which the network decides.
    assertTrue(shown.err().matches("(?s)\r[0-9.]+ (B|KiB) / 195\\.3 KiB \\([0-9]+%\\).*"),
        shown.err());
    assertTrue(shown.err().endsWith("\r\033[K"), shown.err());
    assertEquals(200_000, Files.size(target));
  }

  private void assertUsageError(String reason, String... words) {
    Outcome outcome = run(words);
    assertEquals(Main.USAGE, outcome.status(), String.join(" ", words));
    assertEquals("ostore: " + reason + " (see --help)\n", outcome.err());
  }

  private void assertFailure(String err, String... words) {
    Outcome outcome = run(words);
    assertEquals(Main.FAILED, outcome.status(), String.join(" ", words));
    assertEquals(err, outcome.err());
  }

  private Outcome run(String... words) {
    return run(new ByteArrayInputStream(new byte[0]), false, words);
  }

  private Outcome run(ByteArrayInputStream in, boolean terminal, String... words) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    int status = Main.run(words, env, new StdStreams(in, out, errStream, terminal));
    return new Outcome(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }
}
