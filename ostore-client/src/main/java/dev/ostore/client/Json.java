package dev.ostore.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the little JSON the api server writes: a string literal (a locate answer) and flat
 * objects whose values are strings, integers or booleans (a version line). A JSON library for
 * that would be the client's only dependency. Parsing follows RFC 8259 strictly and refuses
 * anything else, nested values, fractions and {@code null} included, with an
 * {@link IllegalArgumentException} that says where. Integers are 64-bit and exact.
 */
final class Json {
  private final String text;
  private int at;

  private Json(String text) {
    this.text = text;
  }

  /** The value of {@code json}, which must be one string literal and nothing else but blanks. */
  static String string(String json) {
    Json reader = new Json(json);
    String value = reader.skipBlanks().string();
    reader.end();
    return value;
  }

  /**
   * The members of {@code json}, one flat object and nothing else but blanks, in their order:
   * {@link String}, {@link Long} or {@link Boolean} values. A repeated key is an error.
   */
  static Map<String, Object> object(String json) {
    Json reader = new Json(json);
    Map<String, Object> members = reader.skipBlanks().object();
    reader.end();
    return Collections.unmodifiableMap(members);
  }

  private Map<String, Object> object() {
    expect('{');
    Map<String, Object> members = new LinkedHashMap<>();
    if (skipBlanks().peek() == '}') {
      at++;
      return members;
    }
    while (true) {
      int keyAt = at;
      String key = string();
      skipBlanks().expect(':');
      if (members.put(key, skipBlanks().value()) != null) {
        throw error("repeated key \"" + key + "\"", keyAt);
      }
      char next = skipBlanks().peek();
      at++;
      if (next == '}') {
        return members;
      }
      if (next != ',') {
        throw error("expected ',' or '}'", at - 1);
      }
      skipBlanks();
    }
  }

  private Object value() {
    char c = peek();
    if (c == '"') {
      return string();
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return integer();
    }
    if (text.startsWith("true", at)) {
      at += 4;
      return Boolean.TRUE;
    }
    if (text.startsWith("false", at)) {
      at += 5;
      return Boolean.FALSE;
    }
    throw error("expected a string, an integer or a boolean", at);
  }

  /** {@code -?(0|[1-9][0-9]*)}: no fraction, no exponent, no leading zero. */
  private Long integer() {
    int start = at;
    if (peek() == '-') {
      at++;
    }
    int digits = at;
    while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
      at++;
    }
    if (at == digits || (text.charAt(digits) == '0' && at - digits > 1)) {
      throw error("malformed integer", start);
    }
    if (at < text.length() && (text.charAt(at) == '.' || text.charAt(at) == 'e'
        || text.charAt(at) == 'E')) {
      throw error("only whole numbers are expected", start);
    }
    try {
      return Long.parseLong(text.substring(start, at));
    } catch (NumberFormatException e) {
      throw error("integer out of the 64-bit range", start);
    }
  }

  private String string() {
    int start = at;
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      if (at >= text.length()) {
        throw error("unterminated string", start);
      }
      char c = text.charAt(at++);
      if (c == '"') {
        return checkSurrogates(out.toString(), start);
      }
      if (c < 0x20) {
        throw error("control character in a string", at - 1);
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (at >= text.length()) {
        throw error("string ends inside an escape", at - 1);
      }
      char e = text.charAt(at++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(unicodeEscape());
        default -> throw error("bad escape \\" + e, at - 2);
      }
    }
  }

  /** The four hex digits after {@code \\u}, ASCII only: Character.digit takes fullwidth too. */
  private char unicodeEscape() {
    if (at + 4 > text.length()) {
      throw error("short \\u escape", at - 2);
    }
    int unit = 0;
    for (int k = 0; k < 4; k++) {
      char hex = text.charAt(at + k);
      int digit = hex < 0x80 ? Character.digit(hex, 16) : -1;
      if (digit < 0) {
        throw error("bad \\u escape", at - 2);
      }
      unit = unit << 4 | digit;
    }
    at += 4;
    return (char) unit;
  }

  /** Escapes can spell a lone surrogate, which no real text (and no object name) has. */
  private String checkSurrogates(String value, int start) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw error("string holds a lone surrogate", start);
      }
    }
    return value;
  }

  private Json skipBlanks() {
    while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
    return this;
  }

  private char peek() {
    if (at >= text.length()) {
      throw error("unexpected end", at);
    }
    return text.charAt(at);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'", at);
    }
    at++;
  }

  private void end() {
    if (skipBlanks().at != text.length()) {
      throw error("unexpected text after the value", at);
    }
  }

  private IllegalArgumentException error(String what, int index) {
    return new IllegalArgumentException("JSON " + what + " at index " + index + ": " + text);
  }
}
