package dev.ostore.metrics;

import java.util.List;

/**
 * Writes samples in the Prometheus text exposition format, version 0.0.4: a {@code # HELP} and a
 * {@code # TYPE} line per family, then one line per sample, label values escaped.
 */
final class TextFormat {
  /** The Content-Type of the format. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder out;

  TextFormat(StringBuilder out) {
    this.out = out;
  }

  void family(String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ');
    escape(help, false);
    out.append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  void sample(String name, List<String> names, List<String> values, String number) {
    sample(name, names, values, null, number);
  }

  /** A sample line; {@code le}, when not null, is a histogram bucket's bound, the last label. */
  void sample(String name, List<String> names, List<String> values, String le, String number) {
    out.append(name);
    if (!names.isEmpty() || le != null) {
      out.append('{');
      for (int i = 0; i < names.size(); i++) {
        label(i > 0, names.get(i), values.get(i));
      }
      if (le != null) {
        label(!names.isEmpty(), "le", le);
      }
      out.append('}');
    }
    out.append(' ').append(number).append('\n');
  }

  private void label(boolean comma, String name, String value) {
    if (comma) {
      out.append(',');
    }
    out.append(name).append("=\"");
    escape(value, true);
    out.append('"');
  }

  /** HELP text escapes backslash and newline; a label value its double quote too. */
  private void escape(String text, boolean quote) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '"' -> out.append(quote ? "\\\"" : "\"");
        default -> out.append(c);
      }
    }
  }

  /** A value as Go's ParseFloat reads it: {@code +Inf}, {@code -Inf} and {@code NaN} spelled so. */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
