package dev.ostore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerAddressTest {
  @Test
  void parsesHostAndPort() {
    ServerAddress address = ServerAddress.parse("data-1.example:8080");
    assertEquals("data-1.example", address.host());
    assertEquals(8080, address.port());
  }

  @Test
  void parsesIpv4AndIgnoresSurroundingBlanks() {
    assertEquals(new ServerAddress("127.0.0.1", 9000), ServerAddress.parse(" 127.0.0.1:9000\n"));
  }

  @Test
  void parsesBracketedIpv6() {
    ServerAddress address = ServerAddress.parse("[::1]:8080");
    assertEquals("::1", address.host());
    assertEquals(8080, address.port());
    assertEquals("[::1]:8080", address.toString());
  }

  @Test
  void missingPortIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServerAddress.parse("localhost"));
    assertEquals("address has no port: localhost", e.getMessage());
    IllegalArgumentException v6 = assertThrows(IllegalArgumentException.class,
        () -> ServerAddress.parse("[::1]"));
    assertEquals("address has no port: [::1]", v6.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:65536", "localhost:99999", "localhost:http", "localhost:-1",
      "[::1:8080", "[::1]x:80"})
  void badPortOrShapeIsRefused(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse(text));
    assertEquals("not a host:port address: " + text, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:", "::1:8080", "a:b:c"})
  void ambiguousOrEmptyPortCountsAsNoPort(String text) {
    // An unbracketed IPv6 literal has no port: "::1:8080" is a host.
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse(text));
    assertEquals("address has no port: " + text, e.getMessage());
  }

  @Test
  void missingHostIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse(":8080"));
    assertEquals("address has no host: :8080", e.getMessage());
  }

  @Test
  void nullIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ServerAddress.parse(null));
    assertEquals("address is null", e.getMessage());
  }

  @Test
  void constructorRefusesPortOutOfRange() {
    IllegalArgumentException high =
        assertThrows(IllegalArgumentException.class, () -> new ServerAddress("h", 65536));
    assertEquals("port out of range: 65536", high.getMessage());
    IllegalArgumentException low =
        assertThrows(IllegalArgumentException.class, () -> new ServerAddress("h", -1));
    assertEquals("port out of range: -1", low.getMessage());
  }

  @Test
  void constructorRefusesBlankHost() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ServerAddress(" ", 80));
    assertEquals("address has no host:  :80", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:1", "127.0.0.1:8080", "[::1]:8080", "[fe80::1]:65535",
      "data-server.example.com:443", "0.0.0.0:0"})
  void toStringRoundTrips(String text) {
    ServerAddress address = ServerAddress.parse(text);
    assertEquals(text, address.toString());
    assertEquals(address, ServerAddress.parse(address.toString()));
  }

  @Test
  void baseUriIsHttpAtTheAddress() {
    assertEquals(URI.create("http://127.0.0.1:8080"),
        ServerAddress.parse("127.0.0.1:8080").baseUri());
    assertEquals(URI.create("http://[::1]:8080"), ServerAddress.parse("[::1]:8080").baseUri());
  }

  @Test
  void socketAddressRoundTrips() {
    ServerAddress address = ServerAddress.parse("127.0.0.1:8080");
    assertEquals(address, ServerAddress.of(address.toSocketAddress()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0:8080", "[::]:8080", "[0:0:0:0:0:0:0:0]:8080", "[::0]:8080",
      "[::ffff:0.0.0.0]:8080"})
  void wildcardAddressesAreWildcards(String text) {
    assertTrue(ServerAddress.parse(text).isWildcard(), text);
  }

  @Test
  void zoneOfAnIpv6AddressDoesNotMatter() {
    assertFalse(ServerAddress.parse("[fe80::1%no-such-interface]:8080").isWildcard());
    assertFalse(ServerAddress.parse("[fe80::1%1]:8080").isWildcard());
    assertTrue(ServerAddress.parse("[::%no-such-interface]:8080").isWildcard());
  }

  @Test
  void bracketedWildcardHostIsWildcard() {
    assertTrue(new ServerAddress("[::]", 8080).isWildcard());
  }

  @Test
  void addressOfSocketBoundToEveryInterfaceIsWildcard() throws Exception {
    // What a server bound to the wildcard reports as its local address.
    assertTrue(ServerAddress.of(new InetSocketAddress(8080)).isWildcard());
    assertTrue(ServerAddress.of(
        new InetSocketAddress(InetAddress.getByName("::"), 8080)).isWildcard());
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:8080", "[::1]:8080", "localhost:8080", "10.0.0.1:80",
      "0.0.0.1:80", "[::2]:80"})
  void ordinaryAddressesAreNotWildcards(String text) {
    assertFalse(ServerAddress.parse(text).isWildcard(), text);
  }
}
