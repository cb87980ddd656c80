package dev.ostore;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict percent-decoding of URL text (a path segment, a query name or value): every {@code %}
 * must start a two-digit ASCII hex escape, the bytes must be UTF-8, and {@code +} is a plus sign,
 * never a space. Lenient decoders read a malformed escape as text, so that two spellings would
 * name one thing; this one refuses it, saying where.
 */
public final class PercentDecoding {
  private PercentDecoding() {}

  /**
   * The text {@code encoded} stands for. A malformed escape, a lone surrogate or bytes that are
   * not UTF-8 are an {@link IllegalArgumentException} whose message starts with {@code what},
   * e.g. "object name has a bad percent escape at character 3".
   */
  public static String decode(String encoded, String what) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        int hi = i + 2 < encoded.length() ? hexDigit(encoded.charAt(i + 1)) : -1;
        int lo = hi >= 0 ? hexDigit(encoded.charAt(i + 2)) : -1;
        if (lo < 0) {
          throw new IllegalArgumentException(
              what + " has a bad percent escape at character " + (i + 1));
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        int codePoint = encoded.codePointAt(i);
        if (Character.getType(codePoint) == Character.SURROGATE) {
          // Unpaired: getBytes would silently turn it into '?', naming another thing.
          throw new IllegalArgumentException(what + " is not valid Unicode");
        }
        byte[] raw = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
        bytes.write(raw, 0, raw.length);
        i += Character.charCount(codePoint) - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(what + " is not valid UTF-8", e);
    }
  }

  /** Only ASCII hex digits: {@link Character#digit} would also take fullwidth and other digits. */
  private static int hexDigit(char c) {
    return c < 0x80 ? Character.digit(c, 16) : -1;
  }
}
