package dev.ostore.http;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which {@link Endpoint} serves which method on which path, and which query parameters it takes.
 * A pattern is a path, served exactly, or a path ending in a named wildcard such as {@code
 * /objects/{name}}, which serves every path that starts like it and goes on (so {@code /objects/x}
 * but not {@code /objects/}). A path under no pattern is answered 404, a method the pattern does
 * not serve 405 with an {@code Allow} header, and a query parameter the route does not take, or
 * one given twice, 400: before the endpoint runs. A pattern may have a guard, which runs on every
 * request under it before any of that, 405 included: what a protocol asks of all its answers.
 * A route may be {@linkplain Builder#answerQuickly answered quickly}: first tried on the thread
 * that read the request.
 *
 * <pre>{@code
 * Routes routes = Routes.builder()
 *     .add("GET", "/objects/", objects::list, "prefix", "limit", "cursor")
 *     .add("GET", "/objects/{name}", objects::get, "version")
 *     .add("PUT", "/objects/{name}", objects::put)
 *     .build();
 * }</pre>
 */
public final class Routes {
  /**
   * What serves one method on one pattern: the endpoint, the query parameters it takes, and
   * whether it is tried first on the thread that read the request.
   */
  record Route(String method, String pattern, Endpoint endpoint, List<String> parameters,
      boolean quick) {
    /** How the route reads in messages, e.g. {@code GET /objects/{name}}. */
    @Override
    public String toString() {
      return method + " " + pattern;
    }
  }

  private final ImmutableMap<String, ImmutableMap<String, Route>> byPattern;
  private final ImmutableMap<String, Endpoint> guards;

  private Routes(Map<String, Map<String, Route>> byPattern, Map<String, Endpoint> guards) {
    this.guards = ImmutableMap.copyOf(guards);
    ImmutableMap.Builder<String, ImmutableMap<String, Route>> copy = ImmutableMap.builder();
    // The longest fixed part first, so that the most specific pattern wins.
    byPattern.entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<String, ?> e) -> fixedPart(e.getKey()).length())
            .reversed())
        .forEach(e -> copy.put(e.getKey(), ImmutableMap.copyOf(e.getValue())));
    this.byPattern = copy.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The pattern {@code path} falls under, if any. */
  Optional<String> patternOf(String path) {
    return byPattern.keySet().stream().filter(pattern -> matches(pattern, path)).findFirst();
  }

  /** The methods served on {@code pattern}, in alphabetical order. */
  Iterable<String> methods(String pattern) {
    return byPattern.get(pattern).keySet();
  }

  Optional<Route> route(String pattern, String method) {
    return Optional.ofNullable(byPattern.get(pattern).get(method));
  }

  /** Whether any route is {@linkplain Builder#answerQuickly answered quickly}. */
  boolean anyQuick() {
    return byPattern.values().stream().flatMap(methods -> methods.values().stream())
        .anyMatch(Route::quick);
  }

  /** The guard of {@code pattern}, if it has one. */
  Optional<Endpoint> guard(String pattern) {
    return Optional.ofNullable(guards.get(pattern));
  }

  private static boolean matches(String pattern, String path) {
    if (!isWildcard(pattern)) {
      return path.equals(pattern);
    }
    String fixed = fixedPart(pattern);
    return path.length() > fixed.length() && path.startsWith(fixed);
  }

  private static boolean isWildcard(String pattern) {
    return pattern.endsWith("}");
  }

  private static String fixedPart(String pattern) {
    return isWildcard(pattern) ? pattern.substring(0, pattern.lastIndexOf('{')) : pattern;
  }

  /** Collects routes; each (method, pattern) pair may be added once. */
  public static final class Builder {
    private final Map<String, Map<String, Route>> byPattern = new LinkedHashMap<>();
    private final Map<String, Endpoint> guards = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Serves {@code method} on {@code pattern} with {@code endpoint}, which takes the query
     * parameters named (none if no name is given).
     */
    public Builder add(String method, String pattern, Endpoint endpoint, String... parameters) {
      checkArgument(pattern.startsWith("/"), "pattern must start with '/': %s", pattern);
      int brace = pattern.indexOf('{');
      checkArgument(brace < 0 || (brace > pattern.lastIndexOf('/') && isWildcard(pattern)),
          "a pattern may only end in a wildcard such as /objects/{name}: %s", pattern);
      Map<String, Route> methods = byPattern.computeIfAbsent(pattern, p -> new TreeMap<>());
      Route route =
          new Route(method, pattern, endpoint, ImmutableList.copyOf(parameters), false);
      checkArgument(methods.putIfAbsent(method, route) == null,
          "route added twice: %s %s", method, pattern);
      return this;
    }

    /**
     * Runs {@code guard} on every request under {@code pattern}, whatever its method, before the
     * route's endpoint and before a 405 or a query refused: it sets the headers every answer of a
     * protocol carries (with {@link Exchange#setLastingHeader}, so that errors keep them) and
     * throws to refuse a request the protocol refuses whatever it asks. One per pattern, and only
     * on a pattern that has routes.
     */
    public Builder guard(String pattern, Endpoint guard) {
      checkArgument(guards.putIfAbsent(pattern, guard) == null, "guard added twice: %s",
          pattern);
      return this;
    }

    /**
     * Tries the endpoint of {@code method} on {@code pattern}, added before, on the thread that
     * read the request, where nothing may wait: an answer it can give from memory then costs no
     * hand-over to another thread. Before anything that may wait (see {@link
     * Exchange#aboutToWait}) it calls {@code aboutToWait}, and is then run again from the start
     * on a thread that may block, as is any request it fails or answers at length; a request
     * with a body is not tried. So it must have no effect before it calls {@code aboutToWait}
     * but its answer.
     */
    public Builder answerQuickly(String method, String pattern) {
      Route route = Optional.ofNullable(byPattern.get(pattern)).map(methods -> methods.get(method))
          .orElseThrow(() -> new IllegalArgumentException(
              "no route " + method + " " + pattern + " to answer quickly"));
      byPattern.get(pattern).put(method, new Route(route.method(), route.pattern(),
          route.endpoint(), route.parameters(), true));
      return this;
    }

    public Routes build() {
      guards.keySet().forEach(pattern -> checkArgument(byPattern.containsKey(pattern),
          "a guard on %s, which has no routes", pattern));
      return new Routes(byPattern, guards);
    }
  }
}
