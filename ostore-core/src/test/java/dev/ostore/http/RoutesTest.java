package dev.ostore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoutesTest {
  private static final Endpoint GET = exchange -> {};
  private static final Endpoint PUT = exchange -> {};

  @Test
  void findsTheLongestPrefixAPathFallsUnder() {
    Routes routes = Routes.builder()
        .add("GET", "/a/", GET)
        .add("GET", "/a/b/", GET)
        .add("GET", "/", GET)
        .build();
    assertEquals(Optional.of("/a/b/"), routes.prefixOf("/a/b/c"));
    assertEquals(Optional.of("/a/"), routes.prefixOf("/a/bc"));
    assertEquals(Optional.of("/"), routes.prefixOf("/other"));
    assertEquals(Optional.empty(), Routes.builder().add("GET", "/a/", GET).build()
        .prefixOf("/b/"));
  }

  @Test
  void aRouteWithoutTrailingSlashTakesOnlyItsOwnPath() {
    Routes routes = Routes.builder().add("GET", "/servers", GET).build();
    assertEquals(Optional.of("/servers"), routes.prefixOf("/servers"));
    assertEquals(Optional.empty(), routes.prefixOf("/servers/x"));
    assertEquals(Optional.empty(), routes.prefixOf("/serversx"));
  }

  @Test
  void findsTheEndpointOfAMethodAndListsMethodsInOrder() {
    Routes routes = Routes.builder()
        .add("PUT", "/objects/", PUT)
        .add("GET", "/objects/", GET)
        .add("HEAD", "/objects/", GET)
        .build();
    assertEquals(Optional.of(PUT), routes.endpoint("/objects/", "PUT"));
    assertEquals(Optional.empty(), routes.endpoint("/objects/", "DELETE"));
    assertEquals(List.of("GET", "HEAD", "PUT"), copy(routes.methods("/objects/")));
  }

  @Test
  void refusesTheSameRouteTwice() {
    Routes.Builder builder = Routes.builder().add("GET", "/objects/", GET);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder.add("GET", "/objects/", PUT));
    assertEquals("route added twice: GET /objects/", e.getMessage());
  }

  @Test
  void refusesAPrefixNotStartingWithASlash() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Routes.builder().add("GET", "objects/", GET));
    assertEquals("prefix must start with '/': objects/", e.getMessage());
  }

  @Test
  void emptyRoutesServeNothing() {
    assertTrue(Routes.builder().build().prefixOf("/").isEmpty());
  }

  private static List<String> copy(Iterable<String> methods) {
    List<String> list = new java.util.ArrayList<>();
    methods.forEach(list::add);
    return list;
  }
}
