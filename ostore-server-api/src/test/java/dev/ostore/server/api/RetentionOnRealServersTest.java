package dev.ostore.server.api;

import static dev.ostore.server.api.RepairTest.awaitPass;
import static dev.ostore.server.api.RepairTest.bytes;
import static dev.ostore.server.api.RepairTest.field;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention and version removal on real servers over RabbitMQ: a pass removes the versions past
 * {@code VERSIONS_KEPT}, the next one, past the grace, takes their contents and a removed
 * version's into the data servers' holding areas, and what is kept reads back byte-identical.
 */
class RetentionOnRealServersTest {
  @TempDir
  Path root;

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void oldVersionsGoAndThenTheirContentsWhileTheNewestStay() throws Exception {
    ProcessCluster.Spec six = ProcessCluster.Spec.sixDataServers("retention");
    Map<String, String> api = Map.of("HEARTBEAT_EXPIRY", "3s",
        "METADATA_URL", "jdbc:sqlite:" + root.resolve("metadata.db"),
        "VERSIONS_KEPT", "2", "COLLECT_GRACE", "1s", "COLLECT_INTERVAL", "1h");
    try (ProcessCluster cluster = ProcessCluster.start(root, new ProcessCluster.Spec(
        six.name(), 6, six.apiJvm(), api, six.dataJvm(), six.dataEnv()))) {
      Http http = cluster.http();
      List<byte[]> versions = List.of(bytes(300_000, 1), bytes(300_000, 2), bytes(30_000, 3),
          bytes(300_000, 4));
      for (byte[] body : versions) {
        assertEquals(200, http.put("/objects/kept", body).statusCode());
      }
      byte[] removed = bytes(30_000, 5);
      assertEquals(200, http.put("/objects/other", removed).statusCode());
      assertEquals(200, http.put("/objects/other", bytes(30_000, 6)).statusCode());
      assertEquals(204, http.method("DELETE", "/objects/other?version=1").statusCode());
      assertEquals(404, http.method("DELETE", "/objects/other?version=1").statusCode());

      String retention = pass(http);
      assertEquals("2", field(retention, "versionsRemoved"), retention);
      // The grace, plus a second: data servers round written times up to the whole second, and
      // a shard written within the grace is refused to a hold.
      Thread.sleep(2_100);
      String collection = pass(http);
      // The retention's removals touched their contents: only the next pass, past the grace,
      // takes them (the removed version's content may go in either).
      assertEquals(3, Long.parseLong(field(retention, "contentsCollected"))
          + Long.parseLong(field(collection, "contentsCollected")), retention + collection);
      assertTrue(Long.parseLong(field(collection, "contentsCollected")) >= 2, collection);
      assertEquals("[]", field(collection, "failures"), collection);

      for (int number = 1; number <= 4; number++) {
        String path = "/objects/kept?version=" + number;
        if (number <= 2) {
          assertEquals(404, http.get(path).statusCode(), path);
        } else {
          assertArrayEquals(versions.get(number - 1), http.getBytes(path).body(), path);
        }
      }
      assertEquals(2, http.get("/versions/kept").body().lines().count());
      for (byte[] gone : List.of(versions.get(0), versions.get(1), removed)) {
        String hex = ContentHash.sha256(gone).hex();
        assertTrue(filesOf(cluster, "shards", hex).isEmpty(), hex + " left in place");
        assertTrue(filesOf(cluster, "holding", hex).size() >= 3, hex + " held");
      }
      for (byte[] kept : versions.subList(2, 4)) {
        String hex = ContentHash.sha256(kept).hex();
        assertTrue(filesOf(cluster, "shards", hex).size() >= 3, hex + " in place");
      }
    }
  }

  private static String pass(Http http) throws Exception {
    assertEquals(202, http.method("POST", PassEndpoint.COLLECT).statusCode());
    return awaitPass(http, PassEndpoint.COLLECT);
  }

  /**
   * The shards of content {@code hex} in {@code area} on every data server: in place ({@code
   * shards}, files or packs) or held ({@code holding}).
   */
  private static List<String> filesOf(ProcessCluster cluster, String area, String hex)
      throws Exception {
    List<String> files = new ArrayList<>();
    for (int i = 0; i < cluster.dataServerCount(); i++) {
      (area.equals("shards") ? cluster.shardsOf(i) : cluster.filesOf(i, area)).stream()
          .filter(file -> Path.of(file).getFileName().toString().startsWith(hex + "."))
          .forEach(files::add);
    }
    return files;
  }
}
