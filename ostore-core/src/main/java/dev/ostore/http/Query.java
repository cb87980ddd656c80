package dev.ostore.http;

import static com.google.common.base.Preconditions.checkArgument;

import dev.ostore.OstoreException;
import dev.ostore.PercentDecoding;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The query parameters of one request, checked against those its route takes: a parameter the
 * route does not take, one given twice, or a malformed escape is a {@code BAD_REQUEST}, since
 * ignoring it would do something the client did not ask for ({@code DELETE ?version=1} deleting
 * the whole object). Names and values are decoded by {@link PercentDecoding}, so {@code +} is a
 * plus sign, as in a base64 hash, and a space is {@code %20}.
 */
final class Query {
  private final List<String> taken;
  private final Map<String, String> values;

  private Query(List<String> taken, Map<String, String> values) {
    this.taken = taken;
    this.values = values;
  }

  /** The parameters of {@code raw} (the query as sent, without {@code ?}; null for none). */
  static Query parse(String raw, Routes.Route route) throws OstoreException {
    Map<String, String> values = new HashMap<>();
    if (raw != null) {
      for (String part : raw.split("&")) {
        if (part.isEmpty()) {
          continue;
        }
        int equals = part.indexOf('=');
        String name = decode(equals < 0 ? part : part.substring(0, equals), "a query name");
        String value = equals < 0 ? "" : decode(part.substring(equals + 1),
            "query parameter " + name);
        if (!route.parameters().contains(name)) {
          throw OstoreException.badRequest("unknown query parameter " + name + ": " + route
              + " takes " + (route.parameters().isEmpty() ? "none"
                  : String.join(", ", route.parameters())));
        }
        if (values.putIfAbsent(name, value) != null) {
          throw OstoreException.badRequest("query parameter " + name + " is given twice");
        }
      }
    }
    return new Query(route.parameters(), values);
  }

  /** The value of parameter {@code name}, which must be one the route takes. */
  Optional<String> get(String name) {
    checkArgument(taken.contains(name), "query parameter %s is not declared by the route", name);
    return Optional.ofNullable(values.get(name));
  }

  private static String decode(String text, String what) throws OstoreException {
    try {
      return PercentDecoding.decode(text, what);
    } catch (IllegalArgumentException e) {
      throw OstoreException.badRequest(e.getMessage());
    }
  }
}
