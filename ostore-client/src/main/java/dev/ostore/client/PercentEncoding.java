package dev.ostore.client;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding of text for one URL path segment or one query value: the UTF-8 bytes, with
 * every byte outside {@code A-Z a-z 0-9 - . _ ~} written as {@code %XX}. Encoding more than the
 * URL grammar requires is always safe, and it keeps {@code +}, {@code &} and {@code =} from being
 * read as a space or a separator by a server that decodes queries as forms.
 */
final class PercentEncoding {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PercentEncoding() {}

  /** {@code text} encoded; a lone surrogate, which has no UTF-8, is an argument error. */
  static String encode(String text) {
    ByteBuffer bytes = utf8(text);
    StringBuilder out = new StringBuilder(bytes.remaining() * 3);
    while (bytes.hasRemaining()) {
      int c = bytes.get() & 0xff;
      if (isUnreserved(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  /**
   * Decodes {@code %XX} escapes of UTF-8 bytes, for text meant to be read by people: an escape
   * that is not two hex digits stays as it is, and bytes that are not UTF-8 become U+FFFD.
   */
  static String decodeLeniently(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int hi = c == '%' && i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
      if (lo >= 0) {
        bytes.write(hi << 4 | lo);
        i += 2;
      } else {
        byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(raw, 0, raw.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Encodes strictly: {@code String.getBytes} would silently turn a lone surrogate into '?'. */
  static ByteBuffer utf8(String text) {
    try {
      return StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(text));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not valid Unicode (lone surrogate): " + text, e);
    }
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }
}
