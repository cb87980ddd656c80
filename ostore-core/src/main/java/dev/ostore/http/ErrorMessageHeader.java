package dev.ostore.http;

import java.nio.charset.StandardCharsets;

/**
 * The {@code Error-Message} header every error answer carries: the same one-line reason as the
 * body, so that a client learns it where there is no body ({@code HEAD}). Header values must be
 * ASCII, so the reason's UTF-8 bytes outside printable ASCII, and {@code %} itself, are written
 * as {@code %XX}: {@code object résumé not found} is {@code object r%C3%A9sum%C3%A9 not found}.
 */
final class ErrorMessageHeader {
  static final String NAME = "Error-Message";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private ErrorMessageHeader() {}

  static String encode(String line) {
    StringBuilder out = new StringBuilder(line.length() + 16);
    for (byte b : line.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
