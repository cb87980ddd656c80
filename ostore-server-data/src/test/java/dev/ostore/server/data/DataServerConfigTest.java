package dev.ostore.server.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DataServerConfigTest {
  static final Map<String, String> ENV = Map.of(
      "LISTEN_ADDRESS", "10.0.0.5:12345",
      "STORAGE_ROOT", "/var/lib/ostore",
      "RABBITMQ_SERVER", "amqp://test:secret@broker:5672");

  @Test
  void readsTheTutorialsVariables() {
    DataServerConfig config = DataServerConfig.from(ENV, new String[0]);
    assertEquals(new ServerAddress("10.0.0.5", 12345), config.listenAddress());
    assertEquals(Path.of("/var/lib/ostore"), config.storageRoot());
    assertEquals(Optional.of(URI.create("amqp://test:secret@broker:5672")),
        config.rabbitMqServer());
    assertEquals(Duration.ofSeconds(5), config.heartbeatInterval());
    assertEquals(Duration.ofHours(1), config.tempExpiry());
    assertEquals(1024, config.maxTempObjects());
    assertEquals(10, DataServerConfig.from(ENV, new String[] {"--max-temp-objects", "10"})
        .maxTempObjects());
  }

  @Test
  void scrubsTwentyMebibytesASecondDailyByDefaultAndZeroTurnsItOff() {
    DataServerConfig config = DataServerConfig.from(ENV, new String[0]);
    assertEquals(20L * 1024 * 1024, config.scrubRate());
    assertEquals(Duration.ofHours(24), config.scrubInterval());
    DataServerConfig set = DataServerConfig.from(ENV,
        new String[] {"--scrub-rate", "512K", "--scrub-interval", "6h"});
    assertEquals(512L * 1024, set.scrubRate());
    assertEquals(Duration.ofHours(6), set.scrubInterval());
    assertEquals(0, DataServerConfig.from(ENV, new String[] {"--scrub-rate=0"}).scrubRate());
    assertEquals(3L << 30, DataServerConfig.from(ENV, new String[] {"--scrub-rate=3G"})
        .scrubRate());
    for (String bad : new String[] {"-1", "20MB", "M", "", "1.5M"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> DataServerConfig.from(ENV, new String[] {"--scrub-rate=" + bad}));
      assertTrue(e.getMessage().startsWith("SCRUB_RATE (--scrub-rate) is not a number of bytes"),
          e.getMessage());
    }
  }

  @Test
  void keepsAQuarterGibibyteFreeByDefaultAndAnyCountOfBytesWhenSet() {
    assertEquals(256L << 20, DataServerConfig.from(ENV, new String[0]).minFreeSpace());
    assertEquals(2L << 40, DataServerConfig.from(ENV, new String[] {"--min-free-space=2T"})
        .minFreeSpace());
    assertEquals(0, DataServerConfig.from(ENV, new String[] {"--min-free-space=0"})
        .minFreeSpace());
    assertTrue(DataServerConfig.from(ENV, new String[0]).describe()
        .endsWith(" MIN_FREE_SPACE=268435456"));
  }

  @Test
  void heldShardsAreKeptAWeekByDefault() {
    DataServerConfig config = DataServerConfig.from(ENV, new String[0]);
    assertEquals(Duration.ofDays(7), config.holdFor());
    assertTrue(config.describe().contains(" HOLD_FOR=PT168H"), config.describe());
    assertEquals(Duration.ofHours(2), DataServerConfig.from(ENV, new String[] {"--hold-for=2h"})
        .holdFor());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataServerConfig.from(ENV, new String[] {"--hold-for=0s"}));
    assertTrue(e.getMessage().startsWith("HOLD_FOR (--hold-for) must be positive"),
        e.getMessage());
  }

  @Test
  void bigShardsBypassThePageCacheUnlessDirectIoIsFalse() {
    DataServerConfig config = DataServerConfig.from(ENV, new String[0]);
    assertTrue(config.directIo());
    assertTrue(config.describe().contains(" DIRECT_IO=true"), config.describe());
    assertFalse(DataServerConfig.from(ENV, new String[] {"--direct-io=false"}).directIo());
    Map<String, String> off = new HashMap<>(ENV);
    off.put("DIRECT_IO", "FALSE");
    assertFalse(DataServerConfig.from(off, new String[0]).directIo());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataServerConfig.from(ENV, new String[] {"--direct-io=no"}));
    assertTrue(e.getMessage().startsWith("DIRECT_IO (--direct-io) is not true or false"),
        e.getMessage());
  }

  @Test
  void flagsWinOverVariables() {
    DataServerConfig config = DataServerConfig.from(ENV, new String[] {
        "--listen-address", "127.0.0.1:9001", "--heartbeat-interval=500ms"});
    assertEquals(new ServerAddress("127.0.0.1", 9001), config.listenAddress());
    assertEquals(Duration.ofMillis(500), config.heartbeatInterval());
  }

  @Test
  void aWildcardListenAddressIsRefusedSinceItIsAnnounced() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataServerConfig.from(ENV, new String[] {"--listen-address", "0.0.0.0:9001"}));
    assertTrue(e.getMessage().contains("not a wildcard"), e.getMessage());
  }

  @Test
  void everyRequiredSettingIsNamedWhenMissing() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataServerConfig.from(Map.of("LISTEN_ADDRESS", "127.0.0.1:1",
            "STORAGE_ROOT", "/x"), new String[0]));
    assertEquals("RABBITMQ_SERVER (--rabbitmq-server) is required", e.getMessage());
  }

  @Test
  void theStartUpLineHidesTheBrokerPassword() {
    String line = DataServerConfig.from(ENV, new String[0]).describe();
    assertTrue(line.contains("amqp://test:****@broker:5672"), line);
    assertFalse(line.contains("secret"), line);
  }
}
