package dev.ostore.client;

/**
 * Decodes one JSON string literal, the whole body of a locate answer. A JSON library for one
 * string would be the client's only dependency; this covers the string grammar of RFC 8259.
 */
final class JsonString {
  private JsonString() {}

  /** The value of {@code json}, which must be one string literal and nothing else but spaces. */
  static String decode(String json) {
    String text = json.strip();
    if (text.length() < 2 || text.charAt(0) != '"' || text.charAt(text.length() - 1) != '"') {
      throw new IllegalArgumentException("not a JSON string: " + json);
    }
    StringBuilder out = new StringBuilder(text.length());
    int end = text.length() - 1;
    for (int i = 1; i < end; i++) {
      char c = text.charAt(i);
      if (c == '"' || c < 0x20) {
        throw new IllegalArgumentException("not a JSON string: " + json);
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i == end) {
        throw new IllegalArgumentException("JSON string ends inside an escape: " + json);
      }
      char e = text.charAt(i);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (i + 4 >= end) {
            throw new IllegalArgumentException("JSON string has a short \\u escape: " + json);
          }
          int unit = 0;
          for (int k = 1; k <= 4; k++) {
            char hex = text.charAt(i + k);
            // ASCII only: Character.digit would also take fullwidth and other digits.
            int digit = hex < 0x80 ? Character.digit(hex, 16) : -1;
            if (digit < 0) {
              throw new IllegalArgumentException("JSON string has a bad \\u escape: " + json);
            }
            unit = unit << 4 | digit;
          }
          out.append((char) unit);
          i += 4;
        }
        default -> throw new IllegalArgumentException("JSON string has a bad escape: " + json);
      }
    }
    return out.toString();
  }
}
