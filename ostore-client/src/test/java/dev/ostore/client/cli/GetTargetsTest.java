package dev.ostore.client.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.client.OstoreClient;
import dev.ostore.client.cli.CommandLine.Run;
import dev.ostore.server.api.LocalCluster;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code get NAME FILE} for every kind of FILE, against a real store: what is replaced, what is
 * written in place, where the temporary file goes, and what stays as it was.
 */
@Timeout(60)
class GetTargetsTest {
  private static final Path DEV_NULL = Path.of("/dev/null");

  @TempDir
  Path dir;
  LocalCluster cluster;
  CommandLine cli;
  byte[] bytes = new byte[300_000];

  @BeforeEach
  void start() throws Exception {
    cluster = LocalCluster.start(dir.resolve("store"));
    cli = new CommandLine(cluster.uri());
    new Random(9).nextBytes(bytes);
    OstoreClient.builder(cluster.uri()).build().put("obj", bytes);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aFifoAndDevNullAreWrittenInPlaceNeverReplaced() throws Exception {
    try (Fifo fifo = new Fifo(dir.resolve("fifo"))) {
      CompletableFuture<byte[]> read = fifo.read(Integer.MAX_VALUE);
      assertSucceeds(cli.run("get", "obj", fifo.path.toString()));
      assertArrayEquals(bytes, read.get(20, TimeUnit.SECONDS));
      assertEquals(Fifo.FIFO, Fifo.type(fifo.path));
    }
    // Only once a FIFO is known to be written in place: this test runs as root.
    try {
      assertSucceeds(cli.run("get", "obj", DEV_NULL.toString()));
      assertEquals(Fifo.CHARACTER_DEVICE, Fifo.type(DEV_NULL), "/dev/null is no device now");
      assertEquals(List.of(), temporaryFiles(DEV_NULL.getParent()));
    } finally {
      restoreDevNull();
    }
  }

  @Test
  void aDeviceNamedThroughProcIsWrittenInPlaceAsStandardOutputWouldBe() throws Exception {
    Path log = Files.writeString(dir.resolve("log"), "");
    try (FileOutputStream appending = new FileOutputStream(log.toFile(), true)) {
      appending.write("header\n".getBytes(StandardCharsets.UTF_8));
      // /dev/stdout is /proc/self/fd/1; this is the same kind of link, to a file the test owns.
      Path fd = openFileDescriptorOf(log);
      assertSucceeds(cli.run("get", "obj", fd.toString()));
      assertTrue(Files.isSymbolicLink(fd), fd + " replaced");
    }
    byte[] written = Files.readAllBytes(log);
    assertEquals("header\n", new String(written, 0, 7, StandardCharsets.UTF_8));
    assertArrayEquals(bytes, java.util.Arrays.copyOfRange(written, 7, written.length));
  }

  @Test
  void aSymbolicLinkIsFollowedAndItsTargetReplacedTheLinkStays() throws Exception {
    Path other = Files.createDirectory(dir.resolve("other"));
    Path real = Files.writeString(other.resolve("real.txt"), "old");
    Path links = Files.createDirectory(dir.resolve("links"));
    Path link = Files.createSymbolicLink(links.resolve("link"), Path.of("../other/real.txt"));
    Path chain = Files.createSymbolicLink(links.resolve("chain"), link.getFileName());

    assertSucceeds(cli.run("get", "obj", chain.toString()));

    assertArrayEquals(bytes, Files.readAllBytes(real));
    assertEquals(Path.of("../other/real.txt"), Files.readSymbolicLink(link));
    assertEquals(Path.of("link"), Files.readSymbolicLink(chain));
    assertEquals(List.of(), temporaryFiles(links));
    assertEquals(List.of(), temporaryFiles(other));

    Path dangling = Files.createSymbolicLink(links.resolve("dangling"), other.resolve("new"));
    assertSucceeds(cli.run("get", "obj", dangling.toString()));
    assertArrayEquals(bytes, Files.readAllBytes(other.resolve("new")));
    assertTrue(Files.isSymbolicLink(dangling));
  }

  @Test
  void aDirectoryMeansTheFileOfTheObjectsNameInIt() throws Exception {
    OstoreClient.builder(cluster.uri()).build().put("résumé 1.pdf", bytes);
    Path target = Files.createDirectory(dir.resolve("target"));

    assertSucceeds(cli.run("get", "résumé 1.pdf", target.toString()));

    assertArrayEquals(bytes, Files.readAllBytes(target.resolve("résumé 1.pdf")));
    assertEquals(List.of(), temporaryFiles(dir), "a temporary file beside the directory");
    assertEquals(1, Files.list(target).count());
  }

  @Test
  void aDirectoryInTheDirectoryIsNotReplaced() throws Exception {
    Path target = Files.createDirectory(dir.resolve("target"));
    Files.createDirectory(target.resolve("obj"));
    Run run = cli.run("get", "obj", target.toString());
    assertEquals(Main.FAILED, run.status());
    assertEquals("ostore: " + target.resolve("obj") + ": Is a directory\n", run.err());
    assertTrue(Files.isDirectory(target.resolve("obj")));
  }

  @Test
  void aReplacedFileKeepsItsPermissions() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "old");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    assertSucceeds(cli.run("get", "obj", secret.toString()));
    assertArrayEquals(bytes, Files.readAllBytes(secret));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
  }

  @Test
  void aFileInADirectoryThatDoesNotExistIsNamedInTheError() {
    Path missing = dir.resolve("nowhere").resolve("out");
    Run run = cli.run("get", "obj", missing.toString());
    assertEquals(Main.FAILED, run.status());
    assertEquals("ostore: " + missing + ": cannot create a temporary file in " + missing.getParent()
        + ": No such file or directory\n", run.err());
  }

  private static void assertSucceeds(Run run) {
    assertEquals("", run.err());
    assertEquals(Main.OK, run.status());
  }

  private static List<Path> temporaryFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.getFileName().toString().startsWith(".ostore-")).toList();
    }
  }

  /** The /proc/self/fd link of the one open file descriptor of {@code file}. */
  private static Path openFileDescriptorOf(Path file) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      List<Path> found = fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(file.toRealPath());
        } catch (IOException e) {
          return false; // closed meanwhile
        }
      }).toList();
      assertEquals(1, found.size(), "file descriptors of " + file + ": " + found);
      return Path.of("/dev/fd").resolve(found.get(0).getFileName());
    }
  }

  /** Should a regression replace /dev/null, puts the device back for everything else here. */
  private static void restoreDevNull() throws Exception {
    if (Fifo.type(DEV_NULL) != Fifo.CHARACTER_DEVICE) {
      Files.delete(DEV_NULL);
      new ProcessBuilder("mknod", "-m", "666", DEV_NULL.toString(), "c", "1", "3")
          .inheritIO().start().waitFor();
    }
  }
}
