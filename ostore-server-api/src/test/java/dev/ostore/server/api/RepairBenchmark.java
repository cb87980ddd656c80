package dev.ostore.server.api;

import dev.ostore.ServerAddress;
import dev.ostore.repair.RepairSettings;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a repair pass costs on a {@link LocalCluster} of six data servers in this process: a
 * pass over healthy content (the walk alone: table of contents and listings), and the time to
 * full redundancy after one data server's disk was wiped, for many small objects and for fewer
 * large ones. Not a test: run its {@code main} with the test classpath, arguments {@code
 * SMALL_COUNT LARGE_COUNT LARGE_MIB}; see docs/benchmarks.md.
 */
public final class RepairBenchmark {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public static void main(String[] args) throws Exception {
    int small = Integer.parseInt(args[0]);
    int large = Integer.parseInt(args[1]);
    int largeMib = Integer.parseInt(args[2]);
    run("small 4 KiB", small, 4096, 3);
    run("large " + largeMib + " MiB", large, largeMib << 20, 3);
  }

  private static void run(String what, int count, int size, int rounds) throws Exception {
    Path root = Files.createTempDirectory("repair-bench");
    ApiServerConfig config = ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root, 6)
        .withRepair(RepairSettings.of(Duration.ofHours(1), Duration.ofMinutes(15),
            Integer.MAX_VALUE));
    try (LocalCluster cluster = LocalCluster.start(config)) {
      Random random = new Random(1);
      byte[] body = new byte[size];
      for (int i = 0; i < count; i++) {
        random.nextBytes(body);
        put(cluster, "o" + i, body);
      }
      for (int round = 1; round <= rounds; round++) {
        String walk = pass(cluster);
        System.out.println(what + " x" + count + " healthy pass " + round + ": " + walk);
        cluster.stopDataServer(1);
        RepairTest.deleteContents(root.resolve("data-1"));
        cluster.startDataServer(1);
        String rebuilt = pass(cluster);
        System.out.println(what + " x" + count + " wiped-server pass " + round + ": " + rebuilt);
      }
    }
  }

  private static void put(LocalCluster cluster, String name, byte[] body) throws Exception {
    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
        cluster.uri().resolve("/objects/" + name))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() / 100 != 2) {
      throw new IllegalStateException(answer.statusCode() + " " + answer.body());
    }
  }

  /** Runs a pass and describes it: seconds from start to end, counts, MB/s. */
  private static String pass(LocalCluster cluster) throws Exception {
    HTTP.send(HttpRequest.newBuilder(cluster.uri().resolve("/repair"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    String status;
    do {
      Thread.sleep(5);
      status = HTTP.send(HttpRequest.newBuilder(cluster.uri().resolve("/repair")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } while (!status.startsWith("{\"state\":\"idle\""));
    double seconds = Duration.between(Instant.parse(field(status, "started")),
        Instant.parse(field(status, "finished"))).toNanos() / 1e9;
    long checked = Long.parseLong(field(status, "contentsChecked"));
    long rebuilt = Long.parseLong(field(status, "shardsRebuilt"));
    long read = Long.parseLong(field(status, "bytesRead"));
    long written = Long.parseLong(field(status, "bytesWritten"));
    return String.format("%s, %.3f s, %d checked (%.1f us each), %d shards rebuilt, "
        + "%.1f MB read, %.1f MB written, %.1f MB/s written, %.1f MB/s read",
        field(status, "result"), seconds, checked, seconds * 1e6 / checked, rebuilt,
        read / 1e6, written / 1e6, written / 1e6 / seconds, read / 1e6 / seconds);
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\"([^\"]*)\"|[0-9]+)").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException(name + " not in " + json);
    }
    return m.group(2) != null ? m.group(2) : m.group(1);
  }
}
