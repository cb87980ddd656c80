package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.TestData;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector under fire, on real servers over RabbitMQ: while passes run back to back, writers
 * PUT the same few contents again and again (dedup hits on content being collected), versions are
 * removed for good and names re-created, resumable uploads are started and abandoned, and data
 * servers are killed and restarted. Afterwards every version that was acknowledged and not removed
 * reads back byte-identical, and once the grace and hold periods have passed no data server keeps
 * a shard of content that no version refers to.
 */
class CollectionUnderFireTest {
  private static final Pattern VERSION = Pattern.compile("\"Version\":([0-9]+)");
  private static final Duration FIRE = Duration.ofSeconds(40);
  private static final int NAMES = 12;
  private static final int CONTENTS = 24;
  /**
   * Names whose versions are never removed. They take only the first half of the contents, so
   * that the other half surely loses every reference once the other names' versions go: with
   * any content, a few hundred kept versions came to refer to all of them, and whether a pass
   * had found one unreferenced during the fire was left to timing.
   */
  private static final String KEPT = "kept-";

  @TempDir
  Path root;

  /** An acknowledged version: which name, which number, which content. */
  private record Acked(String name, long number, int content) {
    String key() {
      return name + "#" + number;
    }
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void everyAcknowledgedVersionSurvivesAndEveryUnreferencedContentGoes() throws Exception {
    ProcessCluster.Spec six = ProcessCluster.Spec.sixDataServers("under-fire");
    Map<String, String> api = Map.of("HEARTBEAT_EXPIRY", "3s",
        "METADATA_URL", "jdbc:sqlite:" + root.resolve("metadata.db"),
        "COLLECT_GRACE", "2s", "COLLECT_INTERVAL", "1h", "COLLECT_RATE", "0",
        "UPLOAD_EXPIRY", "3s");
    Map<String, String> data = Map.of("HEARTBEAT_INTERVAL", "500ms", "HOLD_FOR", "6s");
    List<byte[]> contents = new ArrayList<>();
    for (int i = 0; i < CONTENTS; i++) {
      // Small contents go as three copies, larger ones erasure-coded: both kinds are collected.
      contents.add(TestData.randomBytes(i % 2 == 0 ? 3_000 + i : 300_000 + i, 40 + i));
    }
    try (ProcessCluster cluster = ProcessCluster.start(root, new ProcessCluster.Spec(
        six.name(), 6, six.apiJvm(), api, six.dataJvm(), data))) {
      Http http = cluster.http();
      Map<String, Acked> acked = new ConcurrentHashMap<>();
      Set<String> removed = ConcurrentHashMap.newKeySet();
      Passes passes = new Passes();
      long end = System.nanoTime() + FIRE.toNanos();
      ExecutorService threads = Executors.newFixedThreadPool(6);
      List<Future<Integer>> work = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        long seed = w;
        work.add(threads.submit(() -> write(http, contents, acked, end, new Random(seed))));
      }
      work.add(threads.submit(() -> remove(http, acked, removed, end, new Random(7))));
      work.add(threads.submit(() -> abandonUploads(http, end)));
      work.add(threads.submit(() -> passes.backToBack(http, end)));
      int killed = killAndRestart(cluster, end, new Random(11));
      for (Future<Integer> done : work) {
        assertTrue(done.get() > 0, "every kind of work got some done");
      }
      threads.shutdown();
      assertTrue(killed > 0);

      cluster.startData(dead(cluster));
      cluster.awaitLive(ProcessCluster.allData(6), Duration.ofSeconds(30));
      // The versions of the names writers reuse go now: their contents are collected unless a
      // kept name refers to them.
      for (Acked version : acked.values()) {
        if (!version.name().startsWith(KEPT)) {
          removeVersion(http, version, removed);
        }
      }
      Thread.sleep(2_500); // the grace, from the last removal
      passes.untilClean(http);
      Thread.sleep(6_500); // the hold period: data servers purge what was held
      passes.untilClean(http);
      assertTrue(passes.collected > 0, "passes collected nothing: " + passes.last);

      Set<ContentHash> referenced = new HashSet<>();
      for (Acked version : acked.values()) {
        String key = version.key();
        HttpResponse<byte[]> get = http.getBytes("/objects/" + version.name() + "?version="
            + version.number());
        if (removed.contains(key)) {
          assertEquals(404, get.statusCode(), key + " was removed");
          continue;
        }
        assertEquals(200, get.statusCode(), key + ": " + new String(get.body()));
        assertArrayEquals(contents.get(version.content()), get.body(), key);
        referenced.add(ContentHash.sha256(contents.get(version.content())));
      }
      Thread.sleep(10_000); // a hold period and a sweep: what the last pass held is purged too
      for (int i = 0; i < 6; i++) {
        for (String file : cluster.shardsOf(i)) {
          String shard = Path.of(file).getFileName().toString();
          ContentHash hash = ContentHash.parse(shard.substring(0, shard.indexOf('.')));
          assertTrue(referenced.contains(hash), "data server " + i + " keeps " + file
              + ", which no version refers to");
        }
        assertEquals(List.of(), cluster.filesOf(i, "holding"), "held past the hold period");
        assertEquals(List.of(), cluster.filesOf(i, "uploads"), "abandoned uploads expire");
      }
    }
  }

  /**
   * PUTs random contents of the few under random names, now and then under a kept name; returns
   * how many were acknowledged.
   */
  private static int write(Http http, List<byte[]> contents, Map<String, Acked> acked, long end,
      Random random) throws Exception {
    int done = 0;
    while (System.nanoTime() < end) {
      String name = random.nextInt(10) == 0 ? KEPT + random.nextInt(3)
          : "name-" + random.nextInt(NAMES);
      int content = random.nextInt(name.startsWith(KEPT) ? contents.size() / 2 : contents.size());
      HttpResponse<String> put = http.put("/objects/" + name, contents.get(content));
      if (put.statusCode() == 200) {
        Matcher number = VERSION.matcher(put.body());
        assertTrue(number.find(), put.body());
        Acked version = new Acked(name, Long.parseLong(number.group(1)), content);
        acked.put(version.key(), version);
        done++;
      } else {
        // With data servers killed, a write may be refused; it must say why, and not be 500.
        assertTrue(put.statusCode() == 503 || put.statusCode() == 502,
            put.statusCode() + " " + put.body());
      }
      Thread.sleep(random.nextInt(100));
    }
    return done;
  }

  /**
   * Removes for good the versions of the names writers reuse, soon after they were written, so
   * that contents keep losing their last reference while writers bring them back; returns how
   * many it removed.
   */
  private static int remove(Http http, Map<String, Acked> acked, Set<String> removed, long end,
      Random random) throws Exception {
    int done = 0;
    while (System.nanoTime() < end) {
      for (Acked version : List.copyOf(acked.values())) {
        if (!version.name().startsWith(KEPT) && !removed.contains(version.key())
            && random.nextInt(3) == 0 && removeVersion(http, version, removed)) {
          done++;
        }
      }
      Thread.sleep(300);
    }
    return done;
  }

  /** Removes one version for good; false when the api server refused for now (503). */
  private static boolean removeVersion(Http http, Acked version, Set<String> removed)
      throws Exception {
    if (removed.contains(version.key())) {
      return false;
    }
    HttpResponse<String> delete = http.method("DELETE", "/objects/" + version.name()
        + "?version=" + version.number());
    if (delete.statusCode() == 204) {
      removed.add(version.key());
      return true;
    }
    assertEquals(503, delete.statusCode(), delete.body());
    return false;
  }

  /** Starts resumable uploads, sends part of each, and leaves them; returns how many. */
  private static int abandonUploads(Http http, long end) throws Exception {
    int done = 0;
    while (System.nanoTime() < end) {
      byte[] bytes = TestData.randomBytes(1_100_000, 100 + done);
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(
          http.uri("/objects/abandoned-" + done)).header("Size", Integer.toString(bytes.length))
          .POST(BodyPublishers.noBody()));
      if (post.statusCode() == 201) {
        String location = post.headers().firstValue("Location").orElseThrow();
        http.send(HttpRequest.newBuilder(http.uri(location))
            .header("Range", "bytes=0-").PUT(BodyPublishers
                .ofByteArray(Arrays.copyOf(bytes, 600_000))));
        done++;
      }
      Thread.sleep(500);
    }
    return done;
  }

  /** Kills a random data server every few seconds and starts it again; returns how many. */
  private static int killAndRestart(ProcessCluster cluster, long end, Random random)
      throws Exception {
    int killed = 0;
    while (System.nanoTime() + Duration.ofSeconds(8).toNanos() < end) {
      Thread.sleep(3_000);
      int victim = random.nextInt(6);
      cluster.killData(victim);
      killed++;
      Thread.sleep(3_000);
      cluster.startData(Set.of(victim));
    }
    return killed;
  }

  private static Set<Integer> dead(ProcessCluster cluster) {
    Set<Integer> dead = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      if (!cluster.isDataAlive(i)) {
        dead.add(i);
      }
    }
    return dead;
  }

  /** Collection passes started by the test, and what they collected in all. */
  private static final class Passes {
    private static final Pattern COLLECTED = Pattern.compile("\"contentsCollected\":([0-9]+)");
    long collected;
    String last = "";

    /** Runs passes one after the other until {@code end}; returns how many ran. */
    int backToBack(Http http, long end) throws Exception {
      int ran = 0;
      while (System.nanoTime() < end) {
        run(http);
        ran++;
      }
      return ran;
    }

    /** Runs passes until one ends with no failure (every server answered), at most ten. */
    void untilClean(Http http) throws Exception {
      for (int attempt = 0; attempt < 10; attempt++) {
        if (run(http)) {
          return;
        }
      }
      throw new AssertionError("no pass ended without failures: " + last);
    }

    /** Runs one pass to its end; returns whether it completed with no failure. */
    private boolean run(Http http) throws Exception {
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(http.uri("/collect"))
          .POST(BodyPublishers.noBody()));
      assertTrue(post.statusCode() == 202 || post.statusCode() == 200, post.body());
      do {
        Thread.sleep(100);
        last = http.get("/collect").body();
      } while (last.contains("\"state\":\"running\""));
      Matcher count = COLLECTED.matcher(last);
      assertTrue(count.find(), last);
      collected += Long.parseLong(count.group(1));
      return last.contains("\"result\":\"completed\"") && last.contains("\"failures\":[]");
    }
  }
}
