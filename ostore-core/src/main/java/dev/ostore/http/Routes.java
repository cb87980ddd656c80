package dev.ostore.http;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which {@link Endpoint} serves which method under which path: a route ending in {@code /} serves
 * every path under it, any other route exactly its own path. A path under no route is answered
 * 404, a method a route does not serve 405 with an {@code Allow} header.
 *
 * <pre>{@code
 * Routes routes = Routes.builder()
 *     .add("GET", "/objects/", objects::get)
 *     .add("PUT", "/objects/", objects::put)
 *     .build();
 * }</pre>
 */
public final class Routes {
  private final ImmutableMap<String, ImmutableMap<String, Endpoint>> byPrefix;

  private Routes(Map<String, Map<String, Endpoint>> byPrefix) {
    ImmutableMap.Builder<String, ImmutableMap<String, Endpoint>> copy = ImmutableMap.builder();
    // Longest prefix first, so that the most specific route wins.
    byPrefix.entrySet().stream()
        .sorted(Comparator.comparing((Map.Entry<String, ?> e) -> e.getKey().length()).reversed())
        .forEach(e -> copy.put(e.getKey(), ImmutableMap.copyOf(e.getValue())));
    this.byPrefix = copy.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The route {@code path} falls under, if any: a route ending in {@code /} takes every path
   * below it, any other route only its own path.
   */
  Optional<String> prefixOf(String path) {
    return byPrefix.keySet().stream()
        .filter(route -> route.endsWith("/") ? path.startsWith(route) : path.equals(route))
        .findFirst();
  }

  /** The methods served under {@code prefix}, in alphabetical order. */
  Iterable<String> methods(String prefix) {
    return byPrefix.get(prefix).keySet();
  }

  Optional<Endpoint> endpoint(String prefix, String method) {
    return Optional.ofNullable(byPrefix.get(prefix).get(method));
  }

  /** Collects routes; each (method, prefix) pair may be added once. */
  public static final class Builder {
    private final Map<String, Map<String, Endpoint>> byPrefix = new LinkedHashMap<>();

    private Builder() {}

    public Builder add(String method, String prefix, Endpoint endpoint) {
      checkArgument(prefix.startsWith("/"), "prefix must start with '/': %s", prefix);
      Map<String, Endpoint> methods = byPrefix.computeIfAbsent(prefix, p -> new TreeMap<>());
      checkArgument(methods.putIfAbsent(method, endpoint) == null,
          "route added twice: %s %s", method, prefix);
      return this;
    }

    public Routes build() {
      return new Routes(byPrefix);
    }
  }
}
