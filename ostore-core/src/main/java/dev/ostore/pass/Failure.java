package dev.ostore.pass;

import static java.util.Objects.requireNonNull;

import dev.ostore.ContentHash;
import dev.ostore.Json;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Something a pass could not do, and why: about a content, whose hash it names, or about a data
 * server as a whole (its listing could not be read), which the reason names.
 */
public record Failure(Optional<String> hash, String reason) {
  public Failure {
    requireNonNull(hash, "hash");
    requireNonNull(reason, "reason");
  }

  /** A failure about content {@code hash}. */
  public static Failure of(ContentHash hash, String reason) {
    return new Failure(Optional.of(hash.hex()), reason);
  }

  /** {@code e}'s message, or what it is when it has none: the reason of a failure. */
  public static String reason(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** {@code failures} as a JSON array of {@code {"hash":...|null,"reason":...}}. */
  public static String toJson(List<Failure> failures) {
    return failures.stream()
        .map(f -> "{\"hash\":" + f.hash.map(Json::quote).orElse("null") + ",\"reason\":"
            + Json.quote(f.reason) + "}")
        .collect(Collectors.joining(",", "[", "]"));
  }
}
