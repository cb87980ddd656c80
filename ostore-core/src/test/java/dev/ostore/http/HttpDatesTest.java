package dev.ostore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link HttpDates}: the three forms RFC 9110 gives, read, and the one written. */
class HttpDatesTest {
  private static final Instant NOV_1994 = Instant.parse("1994-11-06T08:49:37Z");
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  @Test
  void writesImfFixdateToTheSecond() {
    assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(NOV_1994.plusMillis(999)));
    assertEquals(NOV_1994, HttpDates.toSecond(NOV_1994.plusMillis(999)));
  }

  /** Written by hand, both forms say what the JDK's formatters say, over four centuries. */
  @Test
  void writtenAsTheJdkFormatsThem() {
    DateTimeFormatter http = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
        Locale.US).withZone(ZoneOffset.UTC);
    DateTimeFormatter iso = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(ZoneOffset.UTC);
    Random random = new Random(5);
    long end = Instant.parse("2400-01-01T00:00:00Z").toEpochMilli();
    for (int i = 0; i < 20_000; i++) {
      Instant instant = Instant.ofEpochMilli((long) (random.nextDouble() * end));
      assertEquals(http.format(instant), HttpDates.format(instant), instant.toString());
      assertEquals(iso.format(instant), HttpDates.isoMillis(instant), instant.toString());
    }
    assertEquals("2026-12-05T04:31:22.000Z",
        HttpDates.isoMillis(Instant.parse("2026-12-05T04:31:22Z")));
  }

  @Test
  void readsTheThreeFormsOfOneDate() {
    for (String form : new String[] {"Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
        " Sun, 06 Nov 1994 08:49:37 GMT "}) {
      assertEquals(Optional.of(NOV_1994), HttpDates.parse(form, NOW), form);
    }
  }

  /** RFC 850's two-digit year: the latest such year not more than 50 years ahead. */
  @Test
  void aTwoDigitYearIsNotMoreThanFiftyYearsAhead() {
    assertEquals(Optional.of(Instant.parse("2076-01-01T00:00:00Z")),
        HttpDates.parse("Wednesday, 01-Jan-76 00:00:00 GMT", NOW));
    assertEquals(Optional.of(Instant.parse("1977-01-01T00:00:00Z")),
        HttpDates.parse("Saturday, 01-Jan-77 00:00:00 GMT", NOW));
  }

  @Test
  void anythingElseIsNoDate() {
    for (String text : new String[] {"", "yesterday", "1994-11-06T08:49:37Z",
        "Sun, 06 Nov 1994 08:49:37 CET", "Mon, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT", "1417000000"}) {
      assertEquals(Optional.empty(), HttpDates.parse(text, NOW), text);
    }
  }
}
