package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Repair through real HTTP on a store of six data servers: shard files deleted on disk are put
 * back by the GET that misses them, and a data server whose disk was wiped is refilled by a
 * repair pass started with {@code POST /repair}, both checked on disk.
 */
class RepairTest extends ClusterTest {
  static final Duration WITHIN = Duration.ofSeconds(20);

  @Override
  void restart() throws Exception {
    // Small content on data servers too, not in the metadata store: all of it is repaired.
    restart(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root, 6)
        .withInlineBelow(0));
  }

  @Test
  void aGetThatMissesShardFilesRewritesThem() throws Exception {
    byte[] body = bytes(1_000_000, 1);
    assertEquals(2, http.put("/objects/big", body).statusCode() / 100);
    String hex = ContentHash.sha256(body).hex();
    for (int index : List.of(0, 3)) {
      Files.delete(shardFile(hex, index).orElseThrow());
    }

    HttpResponse<byte[]> got = http.getBytes("/objects/big");

    assertEquals(200, got.statusCode());
    assertArrayEquals(body, got.body());
    awaitOnDisk(hex, List.of(0, 1, 2, 3, 4, 5));
  }

  @Test
  void aWipedDataServerIsRefilledByARepairPass() throws Exception {
    List<String> hexes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      byte[] body = bytes(i < 5 ? 300_000 : 2_000, i);
      assertEquals(2, http.put("/objects/o" + i, body).statusCode() / 100);
      hexes.add(ContentHash.sha256(body).hex());
    }
    cluster.stopDataServer(2);
    deleteContents(root.resolve("data-2"));
    cluster.startDataServer(2);

    assertEquals(202, http.method("POST", "/repair").statusCode());
    String last = awaitPass();

    assertEquals("completed", field(last, "result"), last);
    assertEquals("8", field(last, "contentsChecked"), last);
    assertTrue(Long.parseLong(field(last, "shardsRebuilt")) > 0, last);
    assertEquals(field(last, "shardsMissing"), field(last, "shardsRebuilt"), last);
    assertEquals("[]", field(last, "failures"), last);
    for (int i = 0; i < hexes.size(); i++) {
      List<Integer> all = i < 5 ? List.of(0, 1, 2, 3, 4, 5) : List.of(0, 1, 2);
      assertEquals(all, indexesOnDisk(hexes.get(i)), "content " + i);
    }
  }

  @Test
  void contentStoredWholeByTheReleaseBeforeIsReadThenConvertedToShards() throws Exception {
    byte[] body = bytes(200_000, 9);
    ContentHash hash = ContentHash.sha256(body);
    // As the release before erasure coding left it: whole on one data server, in objects/, and a
    // version naming it, with no entry in the table of contents.
    try (dev.ostore.metadata.MetadataStore metadata = stoppedMetadata()) {
      metadata.add("old", body.length, hash);
    }
    Path objects = Files.createDirectories(root.resolve("data-4").resolve("objects"));
    Files.write(objects.resolve(hash.hex()), body);
    restart();

    assertArrayEquals(body, http.getBytes("/objects/old").body());
    assertEquals(List.of(), indexesOnDisk(hash.hex()));
    assertEquals(202, http.method("POST", "/repair").statusCode());
    String last = awaitPass();
    assertEquals("completed", field(last, "result"), last);
    assertEquals(List.of(0, 1, 2, 3, 4, 5), indexesOnDisk(hash.hex()));
    assertTrue(http.get("/locate/old").body().startsWith("{\"0\":"), "located as shards");
    assertArrayEquals(body, http.getBytes("/objects/old").body());
  }

  @Test
  void getRepairShowsTheServiceAsJson() throws Exception {
    HttpResponse<String> idle = http.get("/repair");
    assertEquals(200, idle.statusCode());
    assertEquals("application/json", idle.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("{\"state\":\"idle\",\"pass\":null,\"lastPass\":null}\n", idle.body());
  }

  String awaitPass() throws Exception {
    return awaitPass(http, PassEndpoint.REPAIR);
  }

  /** Polls {@code GET path} until the pass started is over; returns the status JSON. */
  static String awaitPass(Http http, String path) throws Exception {
    Instant deadline = Instant.now().plus(WITHIN);
    while (Instant.now().isBefore(deadline)) {
      String status = http.get(path).body();
      if (status.startsWith("{\"state\":\"idle\",\"pass\":null,\"lastPass\":{")) {
        return status;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no pass of " + path + " ended within " + WITHIN);
  }

  /** Waits until every shard of {@code indexes} of {@code hex} is on disk, on distinct servers. */
  void awaitOnDisk(String hex, List<Integer> indexes) throws Exception {
    Instant deadline = Instant.now().plus(WITHIN);
    while (!indexesOnDisk(hex).equals(indexes)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("shards of " + hex + " on disk: " + indexesOnDisk(hex));
      }
      Thread.sleep(20);
    }
  }

  List<Integer> indexesOnDisk(String hex) throws IOException {
    return indexesOnDisk(root, "shards", hex);
  }

  /**
   * The shard indexes of {@code hex} on the six data servers under {@code root}, one entry per
   * copy: in place ({@code shards}, in files or packs, as {@link ShardsOnDisk} finds them), or
   * held ({@code holding}, files).
   */
  static List<Integer> indexesOnDisk(Path root, String area, String hex) throws IOException {
    List<Integer> indexes = new ArrayList<>();
    if (area.equals("shards")) {
      ShardsOnDisk.of(root, ContentHash.parse(hex)).forEach(f -> indexes.add(f.id().index()));
    } else {
      for (int i = 1; i <= 6; i++) {
        Path dir = root.resolve("data-" + i).resolve(area).resolve(hex.substring(0, 2));
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (Stream<Path> files = Files.list(dir)) {
          files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(hex + "."))
              .forEach(n -> indexes.add(Integer.parseInt(n.substring(hex.length() + 1))));
        }
      }
    }
    indexes.sort(Comparator.naturalOrder());
    return indexes;
  }

  java.util.Optional<Path> shardFile(String hex, int index) {
    for (int i = 1; i <= 6; i++) {
      Path file = root.resolve("data-" + i).resolve("shards").resolve(hex.substring(0, 2))
          .resolve(hex + "." + index);
      if (Files.exists(file)) {
        return java.util.Optional.of(file);
      }
    }
    return java.util.Optional.empty();
  }

  /** A field of the last pass (the only report while idle): its number, text or array. */
  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\"([^\"]*)\"|\\[[^\\]]*\\]|[0-9]+)")
        .matcher(json);
    assertTrue(m.find(), name + " in " + json);
    return m.group(2) != null ? m.group(2) : m.group(1);
  }

  static void deleteContents(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir)) {
          Files.delete(p);
        }
      }
    }
  }

  static byte[] bytes(int size, long seed) {
    return dev.ostore.TestData.randomBytes(size, seed);
  }
}
