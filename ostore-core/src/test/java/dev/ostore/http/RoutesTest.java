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
  void aWildcardTakesEveryLongerPathAndTheLongestFixedPartWins() {
    Routes routes = Routes.builder()
        .add("GET", "/a/{x}", GET)
        .add("GET", "/a/b/{y}", GET)
        .add("GET", "/{z}", GET)
        .build();
    assertEquals(Optional.of("/a/b/{y}"), routes.patternOf("/a/b/c"));
    assertEquals(Optional.of("/a/{x}"), routes.patternOf("/a/bc"));
    assertEquals(Optional.of("/a/{x}"), routes.patternOf("/a/b/"));
    assertEquals(Optional.of("/{z}"), routes.patternOf("/other"));
    assertEquals(Optional.empty(), routes.patternOf("/"));
  }

  @Test
  void aPathWithoutWildcardTakesOnlyItself() {
    Routes routes = Routes.builder()
        .add("GET", "/servers", GET)
        .add("GET", "/objects/", GET)
        .add("PUT", "/objects/{name}", PUT)
        .build();
    assertEquals(Optional.of("/servers"), routes.patternOf("/servers"));
    assertEquals(Optional.empty(), routes.patternOf("/servers/x"));
    assertEquals(Optional.empty(), routes.patternOf("/serversx"));
    assertEquals(Optional.of("/objects/"), routes.patternOf("/objects/"));
    assertEquals(Optional.of("/objects/{name}"), routes.patternOf("/objects/x"));
  }

  @Test
  void findsTheRouteOfAMethodWithItsParametersAndListsMethodsInOrder() {
    Routes routes = Routes.builder()
        .add("PUT", "/objects/{name}", PUT)
        .add("GET", "/objects/{name}", GET, "version")
        .add("HEAD", "/objects/{name}", GET, "version")
        .build();
    Routes.Route get = routes.route("/objects/{name}", "GET").orElseThrow();
    assertEquals(GET, get.endpoint());
    assertEquals(List.of("version"), get.parameters());
    assertEquals("GET /objects/{name}", get.toString());
    assertEquals(List.of(), routes.route("/objects/{name}", "PUT").orElseThrow().parameters());
    assertEquals(Optional.empty(), routes.route("/objects/{name}", "DELETE"));
    assertEquals(List.of("GET", "HEAD", "PUT"), copy(routes.methods("/objects/{name}")));
  }

  @Test
  void refusesTheSameRouteTwice() {
    Routes.Builder builder = Routes.builder().add("GET", "/objects/", GET);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder.add("GET", "/objects/", PUT));
    assertEquals("route added twice: GET /objects/", e.getMessage());
  }

  @Test
  void refusesAPatternNotStartingWithASlashOrWithAWildcardInside() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Routes.builder().add("GET", "objects/", GET));
    assertEquals("pattern must start with '/': objects/", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Routes.builder().add("GET", "/{a}/b", GET));
    assertEquals("a pattern may only end in a wildcard such as /objects/{name}: /{a}/b",
        e.getMessage());
  }

  @Test
  void refusesAGuardTwiceOrOnAPatternWithoutRoutes() {
    Routes.Builder builder = Routes.builder().add("GET", "/objects/", GET)
        .guard("/objects/", GET);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder.guard("/objects/", PUT));
    assertEquals("guard added twice: /objects/", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Routes.builder().guard("/files/", GET).build());
    assertEquals("a guard on /files/, which has no routes", e.getMessage());
  }

  @Test
  void emptyRoutesServeNothing() {
    assertTrue(Routes.builder().build().patternOf("/").isEmpty());
  }

  private static List<String> copy(Iterable<String> methods) {
    List<String> list = new java.util.ArrayList<>();
    methods.forEach(list::add);
    return list;
  }
}
