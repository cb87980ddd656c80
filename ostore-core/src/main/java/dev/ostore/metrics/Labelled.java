package dev.ostore.metrics;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A metric with labels: one child ({@link Counter}, {@link Histogram}) per combination of label
 * values, made the first time those values are asked for. Each combination is a time series kept
 * for as long as the server runs, so label values must come from a small, fixed set (a route's
 * pattern, never a request's path).
 */
public final class Labelled<T> {
  private static final Comparator<List<String>> BY_VALUES = (a, b) -> {
    for (int i = 0; i < a.size(); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  };

  private final ImmutableList<String> names;
  private final Supplier<T> factory;
  private final Map<List<String>, T> children = new ConcurrentHashMap<>();

  Labelled(ImmutableList<String> names, Supplier<T> factory) {
    this.names = names;
    this.factory = factory;
  }

  /** The child of these label values, one per label name, in the order the names were given. */
  public T labels(String... values) {
    checkArgument(values.length == names.size(), "%s label values given for the labels %s",
        values.length, names);
    List<String> key = List.of(values);
    T child = children.get(key);
    // The lookup alone on the hot path; computeIfAbsent may lock a bin of the map.
    return child != null ? child : children.computeIfAbsent(key, k -> factory.get());
  }

  ImmutableList<String> names() {
    return names;
  }

  /** The children now, ordered by their label values, so that a scrape reads the same each time. */
  Map<List<String>, T> children() {
    Map<List<String>, T> sorted = new TreeMap<>(BY_VALUES);
    sorted.putAll(children);
    return sorted;
  }
}
