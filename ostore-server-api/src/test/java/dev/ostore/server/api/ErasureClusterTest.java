package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ShardId;
import dev.ostore.storage.ShardStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure coding through real processes: one api server with 64 MiB of heap and six data
 * servers, each in its own JVM, over the RabbitMQ broker, shared by the tests. Each test leaves
 * every data server running again. Content is 4+2 shards (1+2 whole copies below 64 KiB), so any
 * two data servers may be lost, and a PUT needs five.
 */
@Timeout(600)
class ErasureClusterTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;
  private static final int SERVERS = 6;
  private static final Set<Integer> ALL = ProcessCluster.allData(SERVERS);

  @TempDir
  static Path root;
  static ProcessCluster cluster;
  static Http http;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ProcessCluster.start(root, ProcessCluster.Spec.sixDataServers("erasure"));
    http = cluster.http();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void everyDataServerRunsAgain() throws Exception {
    restartDead();
  }

  @Test
  void everyObjectReadsBackWithAnyTwoDataServersKilled() throws Exception {
    long[] sizes = {0, 1, 4 * KIB, 64 * KIB - 1, 64 * KIB, MIB + 3, 5 * MIB};
    List<SeededObject> objects = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      objects.add(new SeededObject("pairs-" + sizes[i], sizes[i], 100 + i));
      assertPut(objects.get(i));
    }
    // Pairs in order, so that most steps bring one server back and kill one: half the starts.
    Set<Integer> down = new TreeSet<>();
    for (int a = 0; a < SERVERS; a++) {
      for (int b = a + 1; b < SERVERS; b++) {
        Set<Integer> pair = Set.of(a, b);
        List<Integer> back = down.stream().filter(i -> !pair.contains(i)).toList();
        restart(back);
        down.removeAll(back);
        for (int victim : pair) {
          if (down.add(victim)) {
            cluster.killData(victim);
          }
        }
        for (SeededObject object : objects) {
          assertReadsBack(object, "data servers " + a + " and " + b + " killed");
        }
      }
    }
  }

  @Test
  void aPutNeedsFiveLiveDataServers() throws Exception {
    cluster.killData(0);
    SeededObject five = new SeededObject("five-live", MIB, 200);
    assertPut(five);
    assertReadsBack(five, "stored on five");
    assertEquals(5, shardsOf(five).size(), "one shard on each live server: " + shardsOf(five));

    cluster.killData(1);
    cluster.awaitLive(Set.of(2, 3, 4, 5), Duration.ofSeconds(10));
    List<String> before = allShardFiles();
    SeededObject four = new SeededObject("four-live", MIB, 201);
    HttpResponse<String> refused = http.put("/objects/" + four.name, four.size, four::stream);
    assertEquals(503, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("needs 5 live data servers")
        && refused.body().contains("4 are live"), refused.body());
    assertEquals(before, allShardFiles(), "no shard stored");
    assertEquals(404, http.get("/objects/" + four.name).statusCode());
  }

  @Test
  void aPutSurvivesOneDataServerKilledMidwayButNotTwo() throws Exception {
    SeededObject one = new SeededObject("mid-put-one", 50 * MIB, 300);
    HttpResponse<String> put = putKillingMidway(one, List.of(0));
    assertEquals(200, put.statusCode(), put.body());
    assertReadsBack(one, "one data server killed mid-PUT");
    assertEquals(5, shardsOf(one).size(), "shards: " + shardsOf(one));

    restartDead(); // so that two servers killed are two of six, not of five
    SeededObject old = new SeededObject("mid-put-two", 10, 301);
    assertPut(old);
    SeededObject two = new SeededObject("mid-put-two", 50 * MIB, 302);
    put = putKillingMidway(two, List.of(1, 2));
    assertEquals(502, put.statusCode(), put.body());
    assertReadsBack(old, "the old version is still the latest");
    restartDead();
    assertEquals(List.of(), shardsOf(two), "no shard of the failed PUT's content");
  }

  @Test
  void aGetCarriesOnWhenADataServerIsKilledMidway() throws Exception {
    SeededObject large = new SeededObject("mid-get", 64 * MIB, 400);
    assertPut(large);
    int holder = holderOf(large, 0);
    HttpResponse<InputStream> get = http.getStream("/objects/" + large.name);
    assertEquals(200, get.statusCode());
    MessageDigest received = SeededObject.newDigest();
    try (InputStream in = get.body()) {
      byte[] start = in.readNBytes(2 * MIB);
      received.update(start);
      cluster.killData(holder);
      long rest = copy(in, received);
      assertEquals(large.size, start.length + rest, "bytes received");
    }
    assertArrayEquals(large.sha256(), received.digest(), "SHA-256 of what came back");
  }

  @Test
  void damagedShardFilesAreReadAround() throws Exception {
    SeededObject flipped = new SeededObject("flipped", MIB + 3, 500);
    SeededObject truncated = new SeededObject("truncated", MIB + 3, 501);
    SeededObject deleted = new SeededObject("deleted", MIB + 3, 502);
    SeededObject flippedCopy = new SeededObject("flipped-copy", 20 * KIB, 503);
    for (SeededObject object : List.of(flipped, truncated, deleted, flippedCopy)) {
      assertPut(object);
    }
    for (SeededObject object : List.of(flipped, flippedCopy)) {
      ShardStore.Placed placed = placed(object, 0); // the copy of small content is in a pack
      Path shard = placed.file();
      ShardsOnDisk.flipByte(placed, 68 + 100); // past the header, in the first block
      assertReadsBack(object, "a byte flipped in " + shard);
      if (object.size > 64 * KIB) {
        // Smaller content is read from the api server's memory, kept there since its PUT.
        String aside = object.hex() + ".0";
        assertTrue(cluster.filesOf(holderOf(shard), "corrupt").stream()
            .anyMatch(f -> f.contains(aside)), "the damaged shard moved aside");
      }
    }
    Path shard = placed(truncated, 0).file();
    try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "rw")) {
      file.setLength(file.length() / 2);
    }
    assertReadsBack(truncated, "shard truncated: " + shard);
    shard = placed(deleted, 0).file();
    Files.delete(shard);
    assertReadsBack(deleted, "shard deleted: " + shard);
  }

  @Test
  void a256MiBObjectPassesAnApiServerOf64MiBWithTwoDataServersDown() throws Exception {
    SeededObject huge = new SeededObject("huge", 256L * MIB, 600);
    assertPut(huge);
    // Its first two data shards: what is read comes from the parity shards, decoded.
    cluster.killData(holderOf(huge, 0));
    cluster.killData(holderOf(huge, 1));
    assertReadsBack(huge, "two data servers down");
  }

  /** Starts the data servers again and waits until the api server has heard from them. */
  private static void restart(List<Integer> dataServers) throws Exception {
    if (!dataServers.isEmpty()) {
      cluster.startData(Set.copyOf(dataServers));
      cluster.awaitHeard(Set.copyOf(dataServers), Duration.ofSeconds(30));
    }
  }

  /** Brings every killed data server back, and waits until the api server uses all six. */
  private static void restartDead() throws Exception {
    restart(ALL.stream().filter(i -> !cluster.isDataAlive(i)).toList());
    cluster.awaitLive(ALL, Duration.ofSeconds(30));
  }

  private static void assertPut(SeededObject object) throws Exception {
    HttpResponse<String> put = http.put("/objects/" + object.name, object.size, object::stream);
    assertEquals(200, put.statusCode(), object.name + ": " + put.body());
  }

  /** GETs the object, streaming, and compares what came back with what was sent, by SHA-256. */
  private static void assertReadsBack(SeededObject object, String when) throws Exception {
    HttpResponse<InputStream> get = http.getStream("/objects/" + object.name);
    MessageDigest received = SeededObject.newDigest();
    long length;
    try (InputStream in = get.body()) {
      if (get.statusCode() != 200) {
        throw new AssertionError(when + ": GET " + object.name + " is " + get.statusCode()
            + ": " + new String(in.readAllBytes()));
      }
      length = copy(in, received);
    }
    assertEquals(object.size, length, when + ": bytes of " + object.name);
    assertArrayEquals(object.sha256(), received.digest(), when + ": SHA-256 of " + object.name);
  }

  /**
   * PUTs the object, pausing the upload at three quarters of it to kill {@code victims}, then
   * sending the rest; returns the answer, which an api server that failed the PUT sends once it
   * has read and dropped the rest of the body (RoutingHandler.UNREAD_BODY_LIMIT and _TIME).
   */
  private static HttpResponse<String> putKillingMidway(SeededObject object, List<Integer> victims)
      throws Exception {
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    CompletableFuture<HttpResponse<String>> put = CompletableFuture.supplyAsync(() -> {
      try {
        return http.put("/objects/" + object.name, object.size,
            () -> new PausingStream(object.stream(), object.size * 3 / 4, paused, resume));
      } catch (Exception e) {
        throw new AssertionError("PUT " + object.name + " failed: " + e, e);
      }
    });
    assertTrue(paused.await(60, TimeUnit.SECONDS), "the upload never got that far");
    for (int victim : victims) {
      cluster.killData(victim);
    }
    resume.countDown();
    return put.get(120, TimeUnit.SECONDS);
  }

  /** Which data server holds shard {@code index} of the object (fails if none does). */
  private static int holderOf(SeededObject object, int index) throws IOException {
    return holderOf(placed(object, index).file());
  }

  private static int holderOf(Path shard) {
    for (int i = 0; i < SERVERS; i++) {
      if (shard.startsWith(cluster.dataRoot(i))) {
        return i;
      }
    }
    throw new AssertionError("no data server holds " + shard);
  }

  /**
   * Where shard {@code index} of the object lies on a data server's disk: a file of its own, or a
   * place in a pack for a small one (fails if no data server holds it).
   */
  private static ShardStore.Placed placed(SeededObject object, int index) throws IOException {
    ShardId id = new ShardId(ContentHash.parse(object.hex()), index);
    for (int i = 0; i < SERVERS; i++) {
      ShardStore.Placed placed = ShardStore.inspect(cluster.dataRoot(i)).get(id);
      if (placed != null) {
        return placed;
      }
    }
    throw new AssertionError("no data server holds shard " + index + " of " + object.name);
  }

  /** The object's shard files on every data server's disk. */
  private static List<String> shardsOf(SeededObject object) throws IOException {
    String hex = object.hex();
    return allShardFiles().stream().filter(f -> f.contains(hex)).toList();
  }

  /** Every file under any data server's {@code shards/}, named with the server's index. */
  private static List<String> allShardFiles() throws IOException {
    List<String> files = new ArrayList<>();
    for (int i = 0; i < SERVERS; i++) {
      for (String file : cluster.shardsOf(i)) {
        files.add(i + ":" + file);
      }
    }
    return files;
  }

  private static long copy(InputStream in, MessageDigest digest) throws IOException {
    long total = 0;
    byte[] buffer = new byte[256 * KIB];
    for (int n; (n = in.read(buffer)) != -1; ) {
      digest.update(buffer, 0, n);
      total += n;
    }
    return total;
  }
}
