package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.LogCapture;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an application's tests see of ostore's logs (through java.util.logging, System.Logger's
 * default) when they run a {@link LocalCluster}: warnings only, unless they ask for more.
 */
@Timeout(60)
class LocalClusterLoggingTest {
  @TempDir
  Path root;
  final LogCapture log = LogCapture.of("dev.ostore");

  @AfterEach
  void release() {
    log.close();
  }

  @Test
  void aClusterSaysNothingBelowAWarningUnlessAsked() throws Exception {
    try (LocalCluster cluster = LocalCluster.start(root)) {
      Http http = new Http(cluster.uri());
      http.put("/objects/a", "bytes");
      assertEquals(404, http.get("/objects/missing").statusCode());
    }
    assertEquals(List.of(), log.records().stream()
        .filter(r -> r.getLevel().intValue() < Level.WARNING.intValue())
        .map(LogRecord::getMessage).toList());

    try (LocalCluster cluster = LocalCluster.builder(root).verbose(true).start()) {
      assertEquals(404, new Http(cluster.uri()).get("/objects/missing").statusCode());
    }
    List<String> said = log.records().stream().map(LogRecord::getMessage).toList();
    assertTrue(said.stream().anyMatch(m -> m.matches("data server .* is live")), said.toString());
  }
}
