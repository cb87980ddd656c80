package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.compress.Compression;
import dev.ostore.server.data.DataServerMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
    assertTrue(config.describe().endsWith(" SMALL_CONTENT_CACHE=0"), config.describe());
    assertEquals(OptionalLong.of(512 << 10), ApiServerConfig.from(Map.of(),
        new String[] {"--small-content-cache", "512K"}).smallContentCache());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> ApiServerConfig.from(Map.of("SMALL_CONTENT_CACHE", "-1"), new String[0]));
    assertTrue(bad.getMessage().startsWith("SMALL_CONTENT_CACHE (--small-content-cache)"),
        bad.getMessage());
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
