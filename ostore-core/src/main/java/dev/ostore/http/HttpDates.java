package dev.ostore.http;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP dates (RFC 9110, section 5.6.7): written as IMF-fixdate, {@code Sun, 06 Nov 1994 08:49:37
 * GMT}; read in that form and in the two obsolete ones every recipient must still take, RFC 850's
 * {@code Sunday, 06-Nov-94 08:49:37 GMT} and asctime's {@code Sun Nov  6 08:49:37 1994}. They are
 * to the second: {@link #format} drops what is below it, and so compares must.
 */
public final class HttpDates {
  private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter
      .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] MONTHS =
      {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // Its weekday is left out: read with a two-digit year, it would be checked against 20yy.
  private static final DateTimeFormatter RFC_850_AFTER_WEEKDAY = DateTimeFormatter
      .ofPattern("dd-MMM-yy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ASCTIME = DateTimeFormatter
      .ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

  private HttpDates() {}

  /**
   * {@code instant} as IMF-fixdate, to the second below it. Written by hand, as {@link
   * #isoMillis} is: a {@link DateTimeFormatter} costs 10 to 180 microseconds a call until the JIT
   * compiles it, a share of a small request's time that a fresh server would pay.
   */
  public static String format(Instant instant) {
    LocalDateTime time = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    StringBuilder text = new StringBuilder(29)
        .append(DAYS[time.getDayOfWeek().ordinal()]).append(", ");
    digits(text, time.getDayOfMonth(), 2).append(' ')
        .append(MONTHS[time.getMonthValue() - 1]).append(' ');
    digits(text, time.getYear(), 4).append(' ');
    return clock(text, time).append(" GMT").toString();
  }

  /**
   * {@code instant} as the JSON of version lines carries it: ISO 8601 in UTC with three digits of
   * milliseconds, {@code 2026-12-05T04:31:22.123Z}.
   */
  public static String isoMillis(Instant instant) {
    LocalDateTime time = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    StringBuilder text = new StringBuilder(24);
    digits(text, time.getYear(), 4).append('-');
    digits(text, time.getMonthValue(), 2).append('-');
    digits(text, time.getDayOfMonth(), 2).append('T');
    clock(text, time).append('.');
    return digits(text, instant.getNano() / 1_000_000, 3).append('Z').toString();
  }

  private static StringBuilder clock(StringBuilder text, LocalDateTime time) {
    digits(text, time.getHour(), 2).append(':');
    digits(text, time.getMinute(), 2).append(':');
    return digits(text, time.getSecond(), 2);
  }

  /** {@code value}, not negative, in at least {@code width} digits. */
  private static StringBuilder digits(StringBuilder text, int value, int width) {
    String number = Integer.toString(value);
    for (int i = number.length(); i < width; i++) {
      text.append('0');
    }
    return text.append(number);
  }

  /** {@code instant} to the second below it, the precision of an HTTP date. */
  public static Instant toSecond(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS);
  }

  /** As {@link #parse(String, Instant)} now. */
  public static Optional<Instant> parse(String text) {
    return parse(text, Instant.now());
  }

  /**
   * The date {@code text} states in one of the three forms, or empty when it is none of them.
   * RFC 850's two-digit year is taken as the latest year that ends so and is not more than 50
   * years ahead of {@code now}, as RFC 9110 asks.
   */
  public static Optional<Instant> parse(String text, Instant now) {
    String trimmed = text.strip();
    int comma = trimmed.indexOf(", ");
    try {
      if (comma > 3 && trimmed.indexOf('-') > comma) {
        ZonedDateTime date =
            ZonedDateTime.parse(trimmed.substring(comma + 2), RFC_850_AFTER_WEEKDAY);
        return Optional.of(pastTwoDigitYear(date, now).toInstant());
      }
      return Optional.of(ZonedDateTime.parse(trimmed, comma == 3 ? IMF_FIXDATE : ASCTIME)
          .toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** {@code yy} reads 94 as 2094: such a date more than 50 years ahead is the century before. */
  private static ZonedDateTime pastTwoDigitYear(ZonedDateTime date, Instant now) {
    ZonedDateTime limit = now.atZone(ZoneOffset.UTC).plusYears(50);
    while (date.isAfter(limit)) {
      date = date.minusYears(100);
    }
    return date;
  }
}
