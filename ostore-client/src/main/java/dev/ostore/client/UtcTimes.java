package dev.ostore.client;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The two forms in which an ostore server writes a time, read: a version line's {@code Created}
 * ({@code 2026-12-05T04:31:22.123Z}) and the {@code Last-Modified} header (IMF-fixdate, {@code
 * Sat, 05 Dec 2026 04:31:22 GMT}). Those exact forms are read by hand: the JDK's parsers cost 30
 * to 300 microseconds a call until the JIT compiles them, a share of a small PUT that a
 * short-lived client would pay on every one. Other forms go to the JDK's parsers; a time that is
 * none is empty.
 */
final class UtcTimes {
  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
  private static final String DAYS = "MonTueWedThuFriSatSun";

  private UtcTimes() {}

  /** A time in ISO 8601 UTC, such as {@code Created}. */
  static Optional<Instant> iso(String text) {
    try {
      if (text.length() == 24 && text.startsWith("-", 4) && text.startsWith("-", 7)
          && text.startsWith("T", 10) && text.startsWith(":", 13) && text.startsWith(":", 16)
          && text.startsWith(".", 19) && text.endsWith("Z")) {
        return Optional.of(LocalDateTime.of(number(text, 0, 4), number(text, 5, 2),
            number(text, 8, 2), number(text, 11, 2), number(text, 14, 2), number(text, 17, 2),
            number(text, 20, 3) * 1_000_000).toInstant(ZoneOffset.UTC));
      }
      return Optional.of(Instant.parse(text));
    } catch (DateTimeException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** An HTTP date as ostore writes it, IMF-fixdate; RFC 1123's looser form too. */
  static Optional<Instant> httpDate(String text) {
    try {
      int month = text.length() == 29 ? MONTHS.indexOf(text.substring(8, 11)) : -1;
      if (month >= 0 && month % 3 == 0 && text.startsWith(", ", 3) && text.startsWith(" ", 16)
          && text.startsWith(":", 19) && text.startsWith(":", 22) && text.endsWith(" GMT")) {
        LocalDateTime time = LocalDateTime.of(number(text, 12, 4), month / 3 + 1,
            number(text, 5, 2), number(text, 17, 2), number(text, 20, 2), number(text, 23, 2));
        return DAYS.indexOf(text.substring(0, 3)) == 3 * time.getDayOfWeek().ordinal()
            ? Optional.of(time.toInstant(ZoneOffset.UTC)) : Optional.empty();
      }
      return Optional.of(
          ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The decimal digits of {@code text} at {@code from}, {@code length} of them and no sign. */
  private static int number(String text, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        throw new NumberFormatException("not a digit in " + text);
      }
    }
    return Integer.parseInt(text, from, from + length, 10);
  }
}
