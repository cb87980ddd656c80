package dev.ostore.client;

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
