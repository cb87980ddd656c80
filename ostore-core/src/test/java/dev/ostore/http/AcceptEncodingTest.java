package dev.ostore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ostore.http.AcceptEncoding.Coding;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code Accept-Encoding} as RFC 9110, section 12.5.3, reads it. */
class AcceptEncodingTest {
  @ParameterizedTest(name = "[{0}] -> {1} with gzip, {2} without")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "NULL | IDENTITY | IDENTITY",
      "'' | IDENTITY | IDENTITY",
      "gzip | GZIP | IDENTITY",
      "GZip | GZIP | IDENTITY",
      "x-gzip | GZIP | IDENTITY",
      "gzip, deflate, br, zstd | GZIP | IDENTITY",
      "br;q=1.0, gzip;q=0.8, *;q=0.1 | GZIP | IDENTITY",
      "gzip;q=0.5 | GZIP | IDENTITY",
      "gzip;q=0.5, identity;q=0.9 | IDENTITY | IDENTITY",
      "gzip;q=0.9, identity;q=0.9 | GZIP | IDENTITY",
      "gzip;q=0 | IDENTITY | IDENTITY",
      "* | GZIP | IDENTITY",
      "*;q=0.2, gzip;q=0 | IDENTITY | IDENTITY",
      "identity;q=0 | NONE | NONE",
      "gzip, identity;q=0 | GZIP | NONE",
      "*;q=0 | NONE | NONE",
      "gzip, *;q=0 | GZIP | NONE",
      "identity, *;q=0 | IDENTITY | IDENTITY",
      "br | IDENTITY | IDENTITY",
      "gzip;q=2, identity;q=0 | NONE | NONE",
      "gzip;level=1 | IDENTITY | IDENTITY",
      "gzip;q=0.001 | GZIP | IDENTITY",
      "gzip;q=0.0001, identity | IDENTITY | IDENTITY",
  })
  void choosesAsTheRfcSays(String header, Coding withGzip, Coding withoutGzip) {
    AcceptEncoding accepted = AcceptEncoding.of(Optional.ofNullable(header));
    assertEquals(withGzip, accepted.choose(true));
    assertEquals(withoutGzip, accepted.choose(false));
  }
}
