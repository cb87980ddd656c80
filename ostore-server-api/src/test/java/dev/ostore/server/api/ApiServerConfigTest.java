package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.OstoreException;
import dev.ostore.ServerAddress;
import dev.ostore.compress.Compression;
import dev.ostore.object.TransferLimit;
import dev.ostore.server.data.DataServerMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ApiServerConfigTest {
  @Test
  void withNothingSetItIsAStandaloneStoreOnPort8080() {
    ApiServerConfig config = ApiServerConfig.from(Map.of(), new String[0]);
    assertTrue(config.standalone());
    assertEquals(new ServerAddress("127.0.0.1", 8080), config.listenAddress());
    assertEquals(Path.of("ostore-data"), config.storageRoot());
    assertEquals(OptionalInt.empty(), config.dataServers());
    assertEquals(Duration.ofSeconds(10), config.heartbeatExpiry());
    assertEquals(Duration.ofSeconds(1), config.locateTimeout());
    assertEquals(Duration.ofHours(24), config.uploadExpiry());
    assertEquals(Duration.ofSeconds(30), config.uploadLease());
    assertEquals(Compression.DEFAULT, config.compression());
  }

  @Test
  void uploadExpiryAndLeaseAreSetByVariableOrFlagAndLogged() {
    ApiServerConfig config = ApiServerConfig.from(Map.of("UPLOAD_EXPIRY", "2h"),
        new String[] {"--upload-lease", "10s"});
    assertEquals(Duration.ofHours(2), config.uploadExpiry());
    assertEquals(Duration.ofSeconds(10), config.uploadLease());
    assertTrue(config.describe().contains(" UPLOAD_EXPIRY=PT2H UPLOAD_LEASE=PT10S "),
        config.describe());
    assertThrows(IllegalArgumentException.class,
        () -> ApiServerConfig.from(Map.of("UPLOAD_LEASE", "0s"), new String[0]));
  }

  @Test
  void compressionIsSetByEnvironmentOrFlag() {
    ApiServerConfig config = ApiServerConfig.from(Map.of("COMPRESSION", "false"),
        new String[] {"--compression-level", "6"});
    assertEquals(new Compression(false, 6), config.compression());
    assertTrue(config.describe().contains("COMPRESSION=false COMPRESSION_LEVEL=6"),
        config.describe());
    IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
        () -> ApiServerConfig.from(Map.of("COMPRESSION_LEVEL", "10"), new String[0]));
    assertEquals("COMPRESSION_LEVEL (--compression-level) must be 1 to 9: 10",
        level.getMessage());
  }

  @Test
  void theInlineLimitIsSetInBytesAndLaysOutSmallContent() {
    ApiServerConfig defaults = ApiServerConfig.from(Map.of(), new String[0]);
    assertEquals(16 * 1024, defaults.inlineBelow());
    assertTrue(defaults.layouts(6).inline(16 * 1024 - 1));
    assertFalse(defaults.layouts(6).inline(16 * 1024));
    ApiServerConfig none = ApiServerConfig.from(Map.of("INLINE_BELOW", "0"), new String[0]);
    assertFalse(none.layouts(6).inline(0));
    assertTrue(none.describe().contains(" INLINE_BELOW=0 "), none.describe());
    ApiServerConfig flag = ApiServerConfig.from(Map.of(), new String[] {"--inline-below", "4K"});
    assertEquals(4096, flag.layouts(6).inlineBelow());
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
        () -> ApiServerConfig.from(Map.of("INLINE_BELOW", "2M"), new String[0]));
    assertTrue(big.getMessage().startsWith("INLINE_BELOW must be from 0 to"), big.getMessage());
  }

  @Test
  void memoryForSmallContentIsSetInBytes() {
    assertEquals(OptionalLong.empty(),
        ApiServerConfig.from(Map.of(), new String[0]).smallContentCache());
    ApiServerConfig config = ApiServerConfig.from(Map.of("SMALL_CONTENT_CACHE", "0"),
        new String[0]);
    assertEquals(OptionalLong.of(0), config.smallContentCache());
    assertTrue(config.describe().contains(" SMALL_CONTENT_CACHE=0 "), config.describe());
    assertEquals(OptionalLong.of(512 << 10), ApiServerConfig.from(Map.of(),
        new String[] {"--small-content-cache", "512K"}).smallContentCache());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> ApiServerConfig.from(Map.of("SMALL_CONTENT_CACHE", "-1"), new String[0]));
    assertTrue(bad.getMessage().startsWith("SMALL_CONTENT_CACHE (--small-content-cache)"),
        bad.getMessage());
  }

  @Test
  void transfersAtOnceAreSizedFromTheHeapUnlessSetAndTheirWaitIsADuration() throws Exception {
    ApiServerConfig defaults = ApiServerConfig.from(Map.of(), new String[0]);
    assertEquals(OptionalInt.empty(), defaults.maxTransfers());
    assertTrue(defaults.describe().endsWith(" MAX_TRANSFERS=(default: "
        + TransferLimit.defaultMost() + ") TRANSFER_WAIT=PT10S"), defaults.describe());
    assertEquals(TransferLimit.defaultMost(), defaults.newTransferLimit().most());
    ApiServerConfig set = ApiServerConfig.from(Map.of("MAX_TRANSFERS", "3"),
        new String[] {"--transfer-wait", "1ms"});
    assertTrue(set.describe().endsWith(" MAX_TRANSFERS=3 TRANSFER_WAIT=PT0.001S"),
        set.describe());
    TransferLimit limit = set.newTransferLimit();
    assertEquals(3, limit.most());
    limit.take("a");
    limit.take("b");
    limit.take("c");
    assertThrows(OstoreException.class, () -> limit.take("d"));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> ApiServerConfig.from(Map.of("MAX_TRANSFERS", "0"), new String[0]));
    assertEquals("MAX_TRANSFERS must be positive: 0", none.getMessage());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> ApiServerConfig.from(Map.of("TRANSFER_WAIT", "-1s"), new String[0]));
    assertTrue(negative.getMessage().startsWith("TRANSFER_WAIT"), negative.getMessage());
  }

  @Test
  void eachWithChangesItsOwnSettingAndKeepsEveryOther() {
    Map<String, String> env = new HashMap<>(Map.ofEntries(
        Map.entry("LISTEN_ADDRESS", "127.0.0.1:9999"), Map.entry("STORAGE_ROOT", "/srv/o"),
        Map.entry("DATA_SERVERS", "5"), Map.entry("HEARTBEAT_EXPIRY", "7s"),
        Map.entry("LOCATE_TIMEOUT", "2s"), Map.entry("METADATA_URL", "jdbc:sqlite:/srv/m.db"),
        Map.entry("INSTANT_UPLOAD", "true"), Map.entry("STOP_TIMEOUT", "3s"),
        Map.entry("ERASURE_CODE", "3+1"), Map.entry("SMALL_OBJECT_LIMIT", "32768"),
        Map.entry("INLINE_BELOW", "1024"), Map.entry("WRITE_QUORUM", "4"),
        Map.entry("REPAIR_INTERVAL", "2h"), Map.entry("VERSIONS_KEPT", "3"),
        Map.entry("UPLOAD_EXPIRY", "5h"), Map.entry("UPLOAD_LEASE", "20s"),
        Map.entry("COMPRESSION", "false"), Map.entry("SMALL_CONTENT_CACHE", "1M"),
        Map.entry("MAX_TRANSFERS", "9"), Map.entry("TRANSFER_WAIT", "2s")));
    ApiServerConfig config = ApiServerConfig.from(env, new String[0]);
    ApiServerConfig none = ApiServerConfig.from(Map.of(), new String[0]);
    assertEquals(changed(env, "DATA_SERVERS", "2"), config.withDataServers(2));
    assertEquals(changed(env, "INSTANT_UPLOAD", "false"), config.withInstantUpload(false));
    assertEquals(changed(env, "METADATA_URL", "jdbc:sqlite:/x.db"),
        config.withMetadataUrl("jdbc:sqlite:/x.db"));
    assertEquals(changed(env, "ERASURE_CODE", "2+2"), config.withErasureCode("2+2"));
    assertEquals(changed(env, "INLINE_BELOW", "0"), config.withInlineBelow(0));
    assertEquals(changed(env, "REPAIR_INTERVAL", "1h"), config.withRepair(none.repair()));
    assertEquals(changed(env, "VERSIONS_KEPT", "0"), config.withCollect(none.collect()));
    assertEquals(changed(env, "COMPRESSION", "true"),
        config.withCompression(none.compression()));
    Map<String, String> transfers = new HashMap<>(env);
    transfers.put("TRANSFER_WAIT", "1s");
    assertEquals(changed(transfers, "MAX_TRANSFERS", "2"),
        config.withTransfers(2, Duration.ofSeconds(1)));
  }

  private static ApiServerConfig changed(Map<String, String> env, String name, String value) {
    Map<String, String> changed = new HashMap<>(env);
    changed.put(name, value);
    return ApiServerConfig.from(changed, new String[0]);
  }

  @Test
  void aBrokerMakesItTheFrontOfACluster() {
    ApiServerConfig config = ApiServerConfig.from(
        Map.of("RABBITMQ_SERVER", "amqp://u:p@h:5672", "LISTEN_ADDRESS", "0.0.0.0:80"),
        new String[] {"--data-servers", "5"});
    assertFalse(config.standalone());
    assertEquals(new ServerAddress("0.0.0.0", 80), config.listenAddress());
    assertEquals(OptionalInt.of(5), config.dataServers());
    assertTrue(config.describe().contains("amqp://u:****@h:5672"), config.describe());
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
        () -> ApiServerConfig.from(Map.of("DATA_SERVERS", "many"), new String[0]));
    assertEquals("DATA_SERVERS (--data-servers) is not a whole number: many",
        count.getMessage());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> ApiServerConfig.from(Map.of(), new String[] {"--data-servers", "0"}));
    assertTrue(zero.getMessage().contains("between 1 and 64"), zero.getMessage());
  }

  @Test
  @Timeout(60)
  void bothServersExplainTheirSettingsAndRefuseUnknownFlags() throws Exception {
    for (Class<?> main : List.of(ApiServerMain.class, DataServerMain.class)) {
      Result help = runMain(main, "--help");
      assertEquals(0, help.status(), help.output());
      for (String variable : List.of("LISTEN_ADDRESS", "RABBITMQ_SERVER", "STORAGE_ROOT")) {
        assertTrue(help.output().contains(variable), main + " --help lacks " + variable);
      }
      Result bad = runMain(main, "--no-such-flag", "1");
      assertEquals(2, bad.status(), bad.output());
      assertTrue(bad.output().contains("unknown flag: --no-such-flag"), bad.output());
    }
  }

  private record Result(int status, String output) {}

  private static Result runMain(Class<?> main, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    return new Result(process.exitValue(), output);
  }
}
