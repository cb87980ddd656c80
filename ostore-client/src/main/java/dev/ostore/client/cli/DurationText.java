package dev.ostore.client.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A time as written on the command line, as the servers' settings write it: a whole number with
 * a unit, {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT5S}).
 */
final class DurationText {
  private static final Pattern WITH_UNIT = Pattern.compile("([0-9]{1,18})(ms|s|m|h)");

  private DurationText() {}

  /** The time {@code text} says; anything else is an {@link IllegalArgumentException}. */
  static Duration parse(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    Matcher matcher = WITH_UNIT.matcher(value);
    try {
      if (matcher.matches()) {
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
      }
      if (value.startsWith("pt")) {
        return Duration.parse(value);
      }
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(message(text), e);
    }
    throw new IllegalArgumentException(message(text));
  }

  private static String message(String text) {
    return "not a time: '" + text + "' (use e.g. 500ms, 5s, 2m, 1h)";
  }
}
