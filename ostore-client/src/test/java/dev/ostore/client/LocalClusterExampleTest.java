package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.ostore.server.api.LocalCluster;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of docs/operations.md (there named ReportStoreTest), kept compiling and passing
 * here: how an application tests its use of ostore against a whole store in its own process.
 */
class LocalClusterExampleTest {
  @Test
  void savesAndReadsAReport(@TempDir Path dir) throws Exception {
    try (LocalCluster cluster = LocalCluster.start(dir)) {
      OstoreClient client = OstoreClient.builder(cluster.uri()).build();
      byte[] report = "quarterly figures".getBytes(StandardCharsets.UTF_8);

      client.put("report.txt", report);

      try (InputStream in = client.open("report.txt")) {
        assertArrayEquals(report, in.readAllBytes());
      }
    }
  }
}
