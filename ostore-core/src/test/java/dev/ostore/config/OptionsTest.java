package dev.ostore.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptionsTest {
  private static final Option LISTEN = new Option("LISTEN_ADDRESS", "listen-address",
      "127.0.0.1:8080", "where the server listens");
  private static final Option BROKER =
      new Option("RABBITMQ_SERVER", "rabbitmq-server", null, "AMQP URI of the broker");
  private static final Option COUNT = new Option("DATA_SERVERS", "data-servers", "3", "servers");
  private static final Option EXPIRY =
      new Option("HEARTBEAT_EXPIRY", "heartbeat-expiry", "10s", "when a server is gone");
  private static final List<Option> ALL = List.of(LISTEN, BROKER, COUNT, EXPIRY);

  @Test
  void valueComesFromTheEnvironment() {
    Options options = parse(Map.of("LISTEN_ADDRESS", "10.0.0.1:9000"));
    assertEquals(Optional.of("10.0.0.1:9000"), options.get(LISTEN));
  }

  @Test
  void environmentValueIsStrippedAndBlankMeansUnset() {
    Options options = parse(Map.of("LISTEN_ADDRESS", "  10.0.0.1:9000\n", "RABBITMQ_SERVER", " "));
    assertEquals("10.0.0.1:9000", options.require(LISTEN));
    assertEquals(Optional.empty(), options.get(BROKER));
  }

  @Test
  void defaultIsUsedWhenUnset() {
    Options options = parse(Map.of());
    assertEquals(Optional.of("127.0.0.1:8080"), options.get(LISTEN));
    assertEquals(Optional.empty(), options.get(BROKER));
  }

  @Test
  void flagOverridesEnvironment() {
    Options options = parse(Map.of("LISTEN_ADDRESS", "10.0.0.1:9000"),
        "--listen-address", "10.0.0.2:9001");
    assertEquals("10.0.0.2:9001", options.require(LISTEN));
  }

  @Test
  void flagTakesItsValueAfterAnEqualsSignOrAsTheNextArgument() {
    Options options = parse(Map.of(), "--listen-address=10.0.0.3:1", "--data-servers", "5",
        "--rabbitmq-server=amqp://u:p@h/?a=b");
    assertEquals("10.0.0.3:1", options.require(LISTEN));
    assertEquals(5, options.getInt(COUNT));
    assertEquals("amqp://u:p@h/?a=b", options.require(BROKER));
  }

  @Test
  void laterFlagWins() {
    assertEquals("2", parse(Map.of(), "--data-servers=1", "--data-servers=2").require(COUNT));
  }

  @Test
  void unknownFlagIsAnErrorNamingTheFlag() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse(Map.of(), "--listen-adress", "x"));
    assertEquals("unknown flag: --listen-adress", e.getMessage());
    IllegalArgumentException withValue = assertThrows(IllegalArgumentException.class,
        () -> parse(Map.of(), "--port=80"));
    assertEquals("unknown flag: --port", withValue.getMessage());
  }

  @Test
  void flagWithoutValueIsAnErrorNamingTheFlag() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse(Map.of(), "--data-servers", "2", "--listen-address"));
    assertEquals("flag --listen-address needs a value", e.getMessage());
  }

  @Test
  void aFlagFollowedByAnotherFlagHasNoValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse(Map.of(), "--listen-address", "--data-servers", "2"));
    assertEquals("flag --listen-address needs a value", e.getMessage());
  }

  @Test
  void durationsMustBePositive() {
    for (String text : new String[] {"0s", "-5s", "PT-1S"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> parse(Map.of(), "--heartbeat-expiry=" + text).getDuration(EXPIRY));
      assertTrue(e.getMessage().endsWith("must be positive: " + text), e.getMessage());
    }
  }

  @Test
  void argumentThatIsNotAFlagIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse(Map.of(), "serve"));
    assertEquals("unexpected argument: serve", e.getMessage());
  }

  @Test
  void requireOfAMissingSettingNamesTheVariableAndTheFlag() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse(Map.of()).require(BROKER));
    assertEquals("RABBITMQ_SERVER (--rabbitmq-server) is required", e.getMessage());
  }

  @Test
  void getIntParsesWholeNumbers() {
    assertEquals(3, parse(Map.of()).getInt(COUNT));
    assertEquals(12, parse(Map.of("DATA_SERVERS", "12")).getInt(COUNT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"three", "1.5", "3x", "99999999999"})
  void getIntRefusesWhatIsNotAWholeNumber(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse(Map.of(), "--data-servers", text).getInt(COUNT));
    assertEquals("DATA_SERVERS (--data-servers) is not a whole number: " + text, e.getMessage());
  }

  @Test
  void getDurationParsesShortFormsAndIso8601() {
    assertEquals(Duration.ofMillis(500), duration("500ms"));
    assertEquals(Duration.ofSeconds(5), duration("5s"));
    assertEquals(Duration.ofMinutes(2), duration("2m"));
    assertEquals(Duration.ofHours(1), duration("1h"));
    assertEquals(Duration.ofSeconds(5), duration("PT5S"));
    assertEquals(Duration.ofMillis(1500), duration("PT1.5S"));
    assertEquals(Duration.ofSeconds(10), parse(Map.of()).getDuration(EXPIRY));
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "s", "ms", "5x", "5 s", "five s", "1.5s", "5S", "PT", "P5", "5sec"})
  void getDurationRefusesWhatIsNotADuration(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse(Map.of(), "--heartbeat-expiry=" + text).getDuration(EXPIRY));
    assertEquals("HEARTBEAT_EXPIRY (--heartbeat-expiry) is not a duration such as 500ms, 5s or 2m: "
        + text, e.getMessage());
  }

  @Test
  void getDurationOfMissingRequiredSettingNamesIt() {
    Option noDefault = new Option("LOCATE_TIMEOUT", "locate-timeout", null, "how long");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Options.parse(List.of(noDefault), Map.of(), new String[0]).getDuration(noDefault));
    assertEquals("LOCATE_TIMEOUT (--locate-timeout) is required", e.getMessage());
  }

  @Test
  void wantsHelpForEitherHelpFlag() {
    assertTrue(Options.wantsHelp(new String[] {"--help"}));
    assertTrue(Options.wantsHelp(new String[] {"--data-servers", "2", "-h"}));
    assertFalse(Options.wantsHelp(new String[] {"--data-servers", "2"}));
    assertFalse(Options.wantsHelp(new String[0]));
  }

  @Test
  void helpListsEveryOptionWithItsVariableFlagAndDefault() {
    String help = Options.help("usage: ostore-api-server [flags]", ALL);
    assertTrue(help.startsWith("usage: ostore-api-server [flags]\n"), help);
    for (Option option : ALL) {
      assertTrue(help.contains("--" + option.flag()), option.flag() + " missing in\n" + help);
      assertTrue(help.contains(option.env()), option.env() + " missing in\n" + help);
      assertTrue(help.contains(option.help()), option.help() + " missing in\n" + help);
    }
    assertTrue(help.contains("where the server listens (default: 127.0.0.1:8080)"), help);
    assertTrue(help.contains("servers (default: 3)"), help);
    assertTrue(help.contains("when a server is gone (default: 10s)"), help);
    assertFalse(help.contains("AMQP URI of the broker (default"), help);
  }

  @Test
  void helpPutsTheFlagAndItsVariableOnOneLine() {
    String help = Options.help("usage", ALL);
    for (Option option : ALL) {
      assertTrue(help.lines().anyMatch(
          line -> line.contains("--" + option.flag() + " VALUE") && line.contains(option.env())),
          option.flag() + " and " + option.env() + " not on one line in\n" + help);
    }
  }

  @Test
  void redactHidesThePasswordOfAnAmqpUri() {
    assertEquals("amqp://guest:****@127.0.0.1:5672",
        Options.redact(URI.create("amqp://guest:guest@127.0.0.1:5672")));
    URI withEscapesAndQuery =
        URI.create("amqps://user:s3cr%40t:x@broker.example:5671/vhost?heartbeat=10");
    assertEquals("amqps://user:****@broker.example:5671/vhost?heartbeat=10",
        Options.redact(withEscapesAndQuery));
  }

  @Test
  void redactLeavesUrisWithoutAPasswordAlone() {
    for (String uri : List.of("amqp://127.0.0.1:5672", "amqp://guest@127.0.0.1:5672/",
        "amqp://broker.example/vhost")) {
      assertEquals(uri, Options.redact(URI.create(uri)));
    }
  }

  @Test
  void optionRefusesBadNames() {
    IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
        () -> new Option("listen_address", "listen-address", null, "x"));
    assertEquals("bad environment variable name: listen_address", env.getMessage());
    IllegalArgumentException flag = assertThrows(IllegalArgumentException.class,
        () -> new Option("LISTEN_ADDRESS", "--listen-address", null, "x"));
    assertEquals("bad flag name: --listen-address", flag.getMessage());
  }

  private static Duration duration(String text) {
    return parse(Map.of("HEARTBEAT_EXPIRY", text)).getDuration(EXPIRY);
  }

  @Test
  void anAddressWithAnUnknownHostIsRefusedNamingTheSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse(Map.of(), "--listen-address", "999.1.1.1:8095").getAddress(LISTEN));
    assertEquals("LISTEN_ADDRESS (--listen-address) names an unknown host: 999.1.1.1",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> parse(Map.of(), "--listen-address", "localhost").getAddress(LISTEN));
    assertEquals("LISTEN_ADDRESS (--listen-address): address has no port: localhost",
        e.getMessage());
    assertEquals(new ServerAddress("127.0.0.1", 8095),
        parse(Map.of(), "--listen-address", "127.0.0.1:8095").getAddress(LISTEN));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://x", "amqp:broker", "broker:5672", "amqp://u:secret@:5672"})
  void aBrokerUriMustBeAmqpWithAHost(String uri) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse(Map.of("RABBITMQ_SERVER", uri)).getBrokerUri(BROKER));
    assertTrue(e.getMessage().startsWith("RABBITMQ_SERVER (--rabbitmq-server) is not an amqp:// "
        + "or amqps:// URI with a host: "), e.getMessage());
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }

  @Test
  void aBrokerUriIsTakenAsGiven() {
    assertEquals(URI.create("amqps://u:p@broker:5671/vhost"),
        parse(Map.of("RABBITMQ_SERVER", "amqps://u:p@broker:5671/vhost")).getBrokerUri(BROKER));
  }

  @Test
  void bytesCountUpToTheLargestLongInUnitsOrNotAtAllPastIt() {
    Option room = new Option("MIN_FREE_SPACE", "min-free-space", null, "bytes kept free");
    long max = Long.MAX_VALUE;
    assertEquals(max, bytes(room, Long.toString(max)));
    assertEquals(3L << 40, bytes(room, "3T"));
    assertEquals(8_388_607L << 40, bytes(room, "8388607T"));
    for (String past : new String[] {"9223372036854775808", "8388608T", "9999999999999G"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> bytes(room, past));
      assertEquals("MIN_FREE_SPACE (--min-free-space) is more than " + max + " bytes: " + past,
          e.getMessage());
    }
  }

  private static long bytes(Option option, String value) {
    return Options.parse(List.of(option), Map.of(option.env(), value), new String[0])
        .getBytes(option);
  }

  private static Options parse(Map<String, String> env, String... args) {
    return Options.parse(ALL, env, args);
  }
}
