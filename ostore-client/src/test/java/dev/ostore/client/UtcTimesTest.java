package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link UtcTimes}: the server's two forms read by hand as the JDK reads them, and no others. */
class UtcTimesTest {
  @Test
  void readsWhatTheServerWritesAsTheJdkDoes() {
    DateTimeFormatter iso = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(ZoneOffset.UTC);
    DateTimeFormatter http = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
        Locale.US).withZone(ZoneOffset.UTC);
    Random random = new Random(7);
    long end = Instant.parse("2400-01-01T00:00:00Z").toEpochMilli();
    for (int i = 0; i < 20_000; i++) {
      Instant instant = Instant.ofEpochMilli((long) (random.nextDouble() * end));
      assertEquals(Optional.of(instant), UtcTimes.iso(iso.format(instant)));
      assertEquals(Optional.of(instant.truncatedTo(ChronoUnit.SECONDS)),
          UtcTimes.httpDate(http.format(instant)));
    }
  }

  @Test
  void otherFormsGoToTheJdkAndWhatIsNoTimeIsEmpty() {
    assertEquals(Optional.of(Instant.parse("2026-12-05T04:31:22Z")),
        UtcTimes.iso("2026-12-05T04:31:22Z"));
    assertEquals(Optional.of(Instant.parse("1994-11-06T08:49:37Z")),
        UtcTimes.httpDate("Sun, 6 Nov 1994 08:49:37 GMT"));
    for (String bad : new String[] {"2026-13-05T04:31:22.123Z", "2026-02-30T04:31:22.123Z",
        "2026-12-05T04:31:22.1x3Z", "2026-12-05T24:00:00.000Z", "+026-12-05T04:31:22.123Z",
        "yesterday", ""}) {
      assertEquals(Optional.empty(), UtcTimes.iso(bad), bad);
    }
    for (String bad : new String[] {"Sat, 05 Xyz 2026 04:31:22 GMT",
        "Sun, 05 Dec 2026 04:31:22 GMT", "Sat, 31 Feb 2026 04:31:22 GMT",
        "Sat, 05 Dec 2026 04:31:22 UTC", "Sat, 05 Dec 2026 04.31:22 GMT", ""}) {
      assertEquals(Optional.empty(), UtcTimes.httpDate(bad), bad);
    }
  }
}
