package dev.ostore.server.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.Json;
import dev.ostore.ShardId;
import dev.ostore.bus.MessageBus;
import dev.ostore.erasure.Striping;
import dev.ostore.storage.ShardStore;
import dev.ostore.storage.ShardUpload;
import java.io.RandomAccessFile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A data server scrubs its shards by itself and reports what it found on {@code GET /scrub}. */
@Timeout(30)
class DataServerScrubTest {
  @TempDir
  Path root;

  @Test
  void aFlippedByteIsFoundReportedAndQuarantined() throws Exception {
    ShardId bad = storeShard("bad");
    ShardId good = storeShard("good");
    ShardStore.Placed placed;
    try (ShardStore store = ShardStore.onDisk(root, 1)) {
      placed = store.whereIs(bad).orElseThrow();
    }
    try (RandomAccessFile bytes = new RandomAccessFile(placed.file().toFile(), "rw")) {
      bytes.seek(placed.offset() + 1000);
      int old = bytes.read();
      bytes.seek(placed.offset() + 1000);
      bytes.write(old ^ 0x80);
    }
    DataServerConfig config = TestConfig.at(root).scrub(1 << 20, Duration.ofHours(24)).build();
    HttpClient http = HttpClient.newHttpClient();
    try (MessageBus bus = MessageBus.inMemory();
        DataServer server = DataServer.start(config, bus)) {
      HttpRequest scrub = HttpRequest.newBuilder(server.address().baseUri().resolve("/scrub"))
          .build();
      String body;
      Map<String, Object> report;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      do {
        assertTrue(System.nanoTime() < deadline, "no scrub pass finished within 20 s");
        Thread.sleep(50);
        body = http.send(scrub, HttpResponse.BodyHandlers.ofString()).body();
        // Our Json reads arrays of integers only: the shard ids are checked as text.
        report = Json.parseObject(body.replaceFirst("\"RecentCorrupt\":\\[[^]]*],", ""));
      } while ((Long) report.get("PassesFinished") == 0);
      assertEquals(1L << 20, report.get("Rate"));
      assertEquals(2L, report.get("ShardsChecked"));
      assertEquals(1L, report.get("CorruptFound"));
      assertTrue(body.contains("\"RecentCorrupt\":[\"" + bad + "\"]"), body);
      assertTrue(report.get("PassFinished") instanceof String, report.toString());
      HttpResponse<String> gone = http.send(HttpRequest.newBuilder(
          server.address().baseUri().resolve("/shards/" + bad)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, gone.statusCode());
      assertEquals(200, http.send(HttpRequest.newBuilder(
          server.address().baseUri().resolve("/shards/" + good)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode());
    }
  }

  /** One shard of 4 KiB blocks, written before the server starts, as a previous run left it. */
  private ShardId storeShard(String name) throws Exception {
    Striping striping = new Striping(4, 2, 4096);
    try (ShardStore store = ShardStore.onDisk(root, 1);
        ShardUpload upload = store.create(1, striping)) {
      for (int b = 0; b < 3; b++) {
        upload.append(new byte[4096], 0, 4096);
      }
      return upload.commit(ContentHash.sha256(name.getBytes(UTF_8)), 3 * 4 * 4096);
    }
  }
}
