package dev.ostore.client.cli;

import java.util.Locale;

/**
 * A number of bytes as written on the command line: plain digits, or digits with a suffix
 * {@code k}, {@code m}, {@code g} or {@code t} (either case) for powers of 1024, so {@code 4k} is
 * 4096 bytes.
 */
record ByteSize(long bytes) {
  ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("size (" + bytes + ") must not be negative");
    }
  }

  static ByteSize parse(String text) {
    String lower = text.strip().toLowerCase(Locale.ROOT);
    int shift = lower.isEmpty() ? 0 : switch (lower.charAt(lower.length() - 1)) {
      case 'k' -> 10;
      case 'm' -> 20;
      case 'g' -> 30;
      case 't' -> 40;
      default -> 0;
    };
    String digits = shift == 0 ? lower : lower.substring(0, lower.length() - 1);
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("not a size: '" + text + "' (use e.g. 4096, 4k, 1m, 1g)");
    }
    try {
      return new ByteSize(Math.multiplyExact(Long.parseLong(digits), 1L << shift));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("size is too large: " + text, e);
    }
  }
}
