package dev.ostore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON ostore speaks on the bus and in listings: string literals and flat objects whose
 * values are strings, integers, booleans or arrays of integers. Parsing is strict; malformed input is an {@link
 * IllegalArgumentException} saying where.
 */
public final class Json {
  private Json() {}

  /** {@code text} as a JSON string literal, quotes included. */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** The string a JSON string literal stands for. */
  public static String parseString(String json) {
    Parser parser = new Parser(json);
    String value = parser.string();
    parser.end();
    return value;
  }

  /**
   * The members of a flat JSON object, in order: {@link String}, {@link Long}, {@link Boolean} or
   * {@code List<Long>} (an array of integers) values. Nested objects, other arrays, fractions and
   * null are refused.
   */
  public static Map<String, Object> parseObject(String json) {
    Parser parser = new Parser(json);
    Map<String, Object> members = parser.object();
    parser.end();
    return members;
  }

  /** True when {@code json} starts (after blanks) like a JSON object rather than a string. */
  public static boolean isObject(String json) {
    return json.strip().startsWith("{");
  }

  private static final class Parser {
    private final String text;
    private int at;

    Parser(String text) {
      this.text = text;
    }

    Map<String, Object> object() {
      expect('{');
      Map<String, Object> members = new LinkedHashMap<>();
      if (peek() == '}') {
        at++;
        return members;
      }
      do {
        String key = string();
        expect(':');
        if (members.put(key, value()) != null) {
          throw error("duplicate key " + quote(key));
        }
      } while (consume(','));
      expect('}');
      return members;
    }

    private Object value() {
      char c = peek();
      if (c == '"') {
        return string();
      }
      if (c == '[') {
        return integers();
      }
      if (text.startsWith("true", at)) {
        at += 4;
        return Boolean.TRUE;
      }
      if (text.startsWith("false", at)) {
        at += 5;
        return Boolean.FALSE;
      }
      return integer();
    }

    /** An array of integers, the one kind of array ostore sends (a locate reply's shards). */
    private List<Long> integers() {
      expect('[');
      List<Long> values = new ArrayList<>();
      if (consume(']')) {
        return values;
      }
      do {
        values.add(integer());
      } while (consume(','));
      expect(']');
      return values;
    }

    private Long integer() {
      char c = peek();
      int start = at;
      if (c == '-') {
        at++;
      }
      // ASCII only: isDigit and parseLong would also take other scripts' digits.
      while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
        at++;
      }
      try {
        return Long.parseLong(text.substring(start, at));
      } catch (NumberFormatException e) {
        throw error("expected a string, an integer or a boolean");
      }
    }

    String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        if (at >= text.length()) {
          throw error("unterminated string");
        }
        char c = text.charAt(at++);
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          throw error("control character in string");
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (at >= text.length()) {
          throw error("unterminated escape");
        }
        char e = text.charAt(at++);
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (at + 4 > text.length()) {
              throw error("short \\u escape");
            }
            // Not Integer.parseInt, which would also take a sign and non-ASCII digits.
            int code = 0;
            for (int end = at + 4; at < end; at++) {
              char h = text.charAt(at);
              int digit = h < 0x80 ? Character.digit(h, 16) : -1;
              if (digit < 0) {
                throw error("bad \\u escape");
              }
              code = code << 4 | digit;
            }
            out.append((char) code);
          }
          default -> throw error("bad escape \\" + e);
        }
      }
    }

    void end() {
      skipBlanks();
      if (at != text.length()) {
        throw error("unexpected text after the value");
      }
    }

    private boolean consume(char c) {
      if (peek() == c) {
        at++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!consume(c)) {
        throw error("expected '" + c + "'");
      }
    }

    private char peek() {
      skipBlanks();
      return at < text.length() ? text.charAt(at) : '\0';
    }

    private void skipBlanks() {
      while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
        at++;
      }
    }

    private IllegalArgumentException error(String what) {
      String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
      return new IllegalArgumentException(what + " at offset " + at + " in JSON: " + shown);
    }
  }
}
