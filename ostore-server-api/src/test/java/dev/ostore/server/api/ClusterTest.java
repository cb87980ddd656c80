package dev.ostore.server.api;

import dev.ostore.ServerAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test against a fresh {@link LocalCluster} of three data servers under a temporary root. */
abstract class ClusterTest {
  @TempDir
  Path root;
  LocalCluster cluster;
  Http http;

  @BeforeEach
  void startCluster() throws Exception {
    restart();
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  /** Stops the cluster, if running (closing is idempotent), and starts the one of {@code config}. */
  void restart(ApiServerConfig config) throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    cluster = LocalCluster.start(config);
    http = new Http(cluster.uri());
  }

  /** Stops the cluster and starts it again on the same root. */
  void restart() throws Exception {
    restart(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root, 3));
  }
}
