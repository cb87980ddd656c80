package dev.ostore.server.api;

import dev.ostore.ServerAddress;
import dev.ostore.metadata.MetadataStore;
import dev.ostore.metadata.StoreIdentity;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
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

  /**
   * Stops the cluster and opens its metadata store, as an operator of the release before erasure
   * coding left it, to record versions of content stored whole; restart the cluster after.
   */
  MetadataStore stoppedMetadata() throws IOException {
    cluster.close();
    Properties store = new Properties();
    try (Reader in = Files.newBufferedReader(root.resolve(StoreRecord.FILE))) {
      store.load(in);
    }
    return MetadataStore.embedded(root.resolve("metadata.db"),
        StoreIdentity.local(store.getProperty("id")));
  }

  /** Stops the cluster and starts it again on the same root. */
  void restart() throws Exception {
    restart(ApiServerConfig.embedded(new ServerAddress("127.0.0.1", 0), root, 3));
  }
}
