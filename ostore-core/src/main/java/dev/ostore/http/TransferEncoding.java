package dev.ostore.http;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one {@code Transfer-Encoding} a request may have: {@code chunked}, alone. Jetty refuses a
 * list that does not end in chunked, and takes one that does ({@code gzip, chunked}) as chunked,
 * handing on the body still gzipped; stored so, it would be another object than the client's.
 */
final class TransferEncoding {
  static final String HEADER = "Transfer-Encoding";

  private TransferEncoding() {}

  /** Why the request's {@code Transfer-Encoding} fields are refused; empty when they are not. */
  static Optional<String> refusal(List<String> fields) {
    if (fields.isEmpty()) {
      return Optional.empty();
    }
    String value = String.join(", ", fields);
    List<String> codings = Arrays.stream(value.split(",")).map(String::strip)
        .filter(coding -> !coding.isEmpty()).toList();
    return codings.size() == 1 && codings.get(0).equalsIgnoreCase("chunked") ? Optional.empty()
        : Optional.of(HEADER + " " + value + " is not supported: only chunked");
  }
}
