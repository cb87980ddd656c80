package dev.ostore.server.data;

import dev.ostore.ServerAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A data server's configuration for tests: an embedded server's defaults on a free loopback port,
 * with what a test changes named; so that a new setting changes one place.
 */
final class TestConfig {
  private final Path root;
  private Duration heartbeat = DataServerConfig.DEFAULT_HEARTBEAT;
  private Duration tempExpiry = DataServerConfig.DEFAULT_TEMP_EXPIRY;
  private int maxTempObjects = DataServerConfig.DEFAULT_MAX_TEMP_OBJECTS;
  private long scrubRate = DataServerConfig.DEFAULT_SCRUB_RATE;
  private Duration scrubInterval = DataServerConfig.DEFAULT_SCRUB_INTERVAL;
  private Duration holdFor = DataServerConfig.DEFAULT_HOLD_FOR;
  private long minFreeSpace = DataServerConfig.DEFAULT_MIN_FREE_SPACE;

  private TestConfig(Path root) {
    this.root = root;
  }

  static TestConfig at(Path root) {
    return new TestConfig(root);
  }

  TestConfig heartbeat(Duration interval) {
    heartbeat = interval;
    return this;
  }

  TestConfig tempExpiry(Duration expiry) {
    tempExpiry = expiry;
    return this;
  }

  TestConfig maxTempObjects(int max) {
    maxTempObjects = max;
    return this;
  }

  TestConfig scrub(long rate, Duration interval) {
    scrubRate = rate;
    scrubInterval = interval;
    return this;
  }

  /** A data server that finds its disk full: it keeps more free than any disk has. */
  TestConfig full() {
    minFreeSpace = Long.MAX_VALUE;
    return this;
  }

  TestConfig holdFor(Duration held) {
    holdFor = held;
    return this;
  }

  DataServerConfig build() {
    return new DataServerConfig(new ServerAddress("127.0.0.1", 0), root, Optional.empty(),
        heartbeat, tempExpiry, DataServerConfig.DEFAULT_STOP_TIMEOUT, maxTempObjects, scrubRate,
        scrubInterval, holdFor, true, minFreeSpace);
  }
}
