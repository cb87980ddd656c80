package dev.ostore.server.api;

import static dev.ostore.server.api.RepairTest.awaitPass;
import static dev.ostore.server.api.RepairTest.bytes;
import static dev.ostore.server.api.RepairTest.field;
import static dev.ostore.server.api.RepairTest.indexesOnDisk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.ServerAddress;
import dev.ostore.collect.CollectSettings;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metrics.PrometheusText;
import dev.ostore.metrics.PrometheusText.Family;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Version removal and garbage collection through real HTTP on a store of six data servers, with
 * no grace: {@code DELETE ?version=}, {@code /collect} and its dry run, and the shards of content
 * no version refers to moved to the data servers' holding areas, checked on disk.
 */
class CollectTest extends ClusterTest {
  static final List<Integer> SIX = List.of(0, 1, 2, 3, 4, 5);

  @Override
  void restart() throws Exception {
    restart(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root, 6)
        .withCollect(CollectSettings.of(Duration.ofHours(1), Duration.ZERO, 0, Optional.empty(),
            0)));
  }

  @Test
  void deleteOfAVersionRemovesItForGoodAndListingsStayExact() throws Exception {
    byte[] second = bytes(2_000, 2);
    assertEquals(200, http.put("/objects/a", bytes(2_000, 1)).statusCode());
    assertEquals(200, http.put("/objects/a", second).statusCode());

    assertEquals(204, http.method("DELETE", "/objects/a?version=1").statusCode());
    HttpResponse<String> again = http.method("DELETE", "/objects/a?version=1");
    assertEquals(404, again.statusCode());
    assertTrue(again.body().contains("no version 1"), again.body());
    assertEquals(400, http.method("DELETE", "/objects/a?version=x").statusCode());
    assertEquals(404, http.get("/objects/a?version=1").statusCode());
    assertArrayEquals(second, http.getBytes("/objects/a").body());
    String versions = http.get("/versions/a").body();
    assertTrue(versions.contains("\"Version\":2") && !versions.contains("\"Version\":1,"),
        versions);

    assertEquals(204, http.method("DELETE", "/objects/a?version=2").statusCode());
    assertEquals(404, http.get("/objects/a").statusCode());
    assertEquals("", http.get("/objects/").body());
    HttpResponse<String> next = http.put("/objects/a", second);
    assertTrue(next.body().contains("\"Version\":3"), "numbers are never given again: "
        + next.body());
  }

  @Test
  void contentOfARemovedVersionIsCollectedIntoTheHoldingAreas() throws Exception {
    byte[] body = bytes(300_000, 3);
    String hex = ContentHash.sha256(body).hex();
    assertEquals(200, http.put("/objects/big", body).statusCode());
    assertEquals(SIX, indexesOnDisk(root, "shards", hex));
    assertEquals(204, http.method("DELETE", "/objects/big?version=1").statusCode());
    // Past the touch and the shards' written time, which data servers round up to the second.
    Thread.sleep(1100);

    assertEquals(202, http.method("POST", "/collect").statusCode());
    String last = awaitPass(http, PassEndpoint.COLLECT);

    assertEquals("completed", field(last, "result"), last);
    assertEquals("1", field(last, "contentsCollected"), last);
    assertEquals("6", field(last, "shardsHeld"), last);
    assertEquals(List.of(), indexesOnDisk(root, "shards", hex));
    assertEquals(SIX, indexesOnDisk(root, "holding", hex));
    Map<String, Family> metrics = MetricsEndpointTest.scrape(http);
    assertEquals(0, PrometheusText.sum(metrics, "ostore_collect_running", Map.of()));
    assertEquals(1, PrometheusText.sum(metrics, "ostore_collect_pass_contents_collected",
        Map.of()));
    assertEquals(Long.parseLong(field(last, "bytesHeld")),
        PrometheusText.sum(metrics, "ostore_collect_pass_bytes_held", Map.of()));
    assertEquals(0, PrometheusText.sum(metrics, "ostore_repair_running", Map.of()));
  }

  @Test
  void wholeCopiesAreHeldOnceTheirContentIsInShardsOrNoVersionRefersToIt() throws Exception {
    byte[] read = bytes(200_000, 11);
    byte[] storedAgain = bytes(200_000, 12);
    byte[] garbage = bytes(5_000, 13);
    // As the release before erasure coding left them, an hour ago: whole on one data server,
    // versions naming the first two, none the third, and no entry in the table of contents.
    try (MetadataStore metadata = stoppedMetadata()) {
      metadata.add("read", read.length, ContentHash.sha256(read));
      metadata.add("stored-again", storedAgain.length, ContentHash.sha256(storedAgain));
    }
    Path objects = Files.createDirectories(root.resolve("data-4").resolve("objects"));
    FileTime hourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
    for (byte[] body : List.of(read, storedAgain, garbage)) {
      Path file = Files.write(objects.resolve(ContentHash.sha256(body).hex()), body);
      Files.setLastModifiedTime(file, hourAgo);
    }
    restart();
    // A write never reuses a whole copy: the same bytes again are stored in shards.
    assertEquals(200, http.put("/objects/again", storedAgain).statusCode());
    assertEquals(SIX, indexesOnDisk(root, "shards", ContentHash.sha256(storedAgain).hex()));

    assertEquals(202, http.method("POST", "/collect").statusCode());
    String last = awaitPass(http, PassEndpoint.COLLECT);

    assertEquals("completed", field(last, "result"), last);
    assertEquals("2", field(last, "wholeCopiesHeld"), last);
    assertEquals(Long.toString(storedAgain.length + garbage.length), field(last, "bytesHeld"),
        last);
    Path held = root.resolve("data-4").resolve("holding-objects");
    for (byte[] body : List.of(storedAgain, garbage)) {
      String hex = ContentHash.sha256(body).hex();
      assertTrue(Files.exists(held.resolve(hex)) && !Files.exists(objects.resolve(hex)), hex);
    }
    assertTrue(Files.exists(objects.resolve(ContentHash.sha256(read).hex())), "still read");
    assertArrayEquals(read, http.getBytes("/objects/read").body());
    assertArrayEquals(storedAgain, http.getBytes("/objects/stored-again").body());
  }

  @Test
  void aDryRunReportsWhatItWouldFreeAndMovesNothing() throws Exception {
    byte[] body = bytes(300_000, 4);
    String hex = ContentHash.sha256(body).hex();
    assertEquals(200, http.put("/objects/big", body).statusCode());
    assertEquals(204, http.method("DELETE", "/objects/big?version=1").statusCode());
    Thread.sleep(1100);

    assertEquals(202, http.method("POST", "/collect?dry-run=true").statusCode());
    String last = awaitPass(http, PassEndpoint.COLLECT);

    assertTrue(last.contains("\"dryRun\":true"), last);
    assertEquals("1", field(last, "contentsCollected"), last);
    assertEquals("6", field(last, "shardsHeld"), last);
    assertTrue(Long.parseLong(field(last, "bytesHeld")) >= body.length, last);
    assertEquals(SIX, indexesOnDisk(root, "shards", hex));
    assertEquals(List.of(), indexesOnDisk(root, "holding", hex));
    assertEquals(400, http.method("POST", "/collect?dry-run=maybe").statusCode());
  }

  @Test
  void retentionKeepsTheNewestVersionsOfEachNameAndItsNewestLiveOne() throws Exception {
    restart(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root, 6)
        .withCollect(CollectSettings.of(Duration.ofHours(1), Duration.ZERO, 2, Optional.empty(),
            0)));
    for (int i = 1; i <= 4; i++) {
      assertEquals(200, http.put("/objects/kept", bytes(1_000, 10 + i)).statusCode());
    }
    byte[] lastLive = bytes(1_000, 21);
    assertEquals(200, http.put("/objects/gone", bytes(1_000, 20)).statusCode());
    assertEquals(200, http.put("/objects/gone", lastLive).statusCode());
    assertEquals(200, http.method("DELETE", "/objects/gone").statusCode()); // tombstone: 3

    assertEquals(202, http.method("POST", "/collect").statusCode());
    String last = awaitPass(http, PassEndpoint.COLLECT);

    assertEquals("3", field(last, "versionsRemoved"), last);
    for (int i = 1; i <= 4; i++) {
      HttpResponse<byte[]> get = http.getBytes("/objects/kept?version=" + i);
      assertEquals(i <= 2 ? 404 : 200, get.statusCode(), "version " + i);
      if (i > 2) {
        assertArrayEquals(bytes(1_000, 10 + i), get.body());
      }
    }
    assertEquals(404, http.get("/objects/gone?version=1").statusCode());
    assertArrayEquals(lastLive, http.getBytes("/objects/gone?version=2").body(),
        "the newest live version stays, however many are kept");
    assertEquals(2, http.get("/versions/kept").body().lines().count());
  }

  @Test
  void getCollectShowsTheCollectorAsJson() throws Exception {
    HttpResponse<String> idle = http.get("/collect");
    assertEquals(200, idle.statusCode());
    assertEquals("application/json", idle.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("{\"state\":\"idle\",\"pass\":null,\"lastPass\":null}\n", idle.body());
  }
}
