package dev.ostore;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The name of an object as its user wrote it: 1 to 255 bytes of UTF-8 without {@code /}, NUL or
 * other control characters, and neither {@code .} nor {@code ..}. A name that breaks a rule is
 * refused with an {@link IllegalArgumentException} saying which rule; nothing else in ostore has to
 * check names again.
 *
 * <p>On the wire a name travels as one percent-encoded URL path segment; {@link #fromUrlSegment}
 * decodes one strictly and {@link #urlSegment} gives the canonical encoding back:
 *
 * <pre>{@code
 * ObjectName name = ObjectName.fromUrlSegment("r%C3%A9sum%C3%A9.pdf"); // "résumé.pdf"
 * name.urlSegment();                                                // "r%C3%A9sum%C3%A9.pdf"
 * }</pre>
 */
public record ObjectName(String value) {
  /** The most bytes a name may take in UTF-8, the usual limit of a file name. */
  public static final int MAX_BYTES = 255;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  public ObjectName {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("object name is empty");
    }
    int bytes = utf8Length(value);
    if (bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          "object name is " + bytes + " bytes in UTF-8, more than " + MAX_BYTES);
    }
    if (value.equals(".") || value.equals("..")) {
      throw new IllegalArgumentException("object name cannot be '" + value + "'");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '/') {
        throw new IllegalArgumentException("object name contains '/'");
      }
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            String.format("object name contains the control character U+%04X", (int) c));
      }
    }
  }

  public static ObjectName of(String value) {
    return new ObjectName(value);
  }

  /**
   * Decodes one percent-encoded path segment, as taken from a request URI. Every {@code %} must
   * start a two-digit hex escape and the decoded bytes must be UTF-8; {@code +} stays a plus.
   */
  public static ObjectName fromUrlSegment(String segment) {
    if (segment == null || segment.isEmpty()) {
      throw new IllegalArgumentException("object name is empty");
    }
    return new ObjectName(PercentDecoding.decode(segment, "object name"));
  }

  /** The canonical percent-encoding: every byte outside {@code A-Z a-z 0-9 - . _ ~} escaped. */
  public String urlSegment() {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (isUnreserved(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return value;
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  private static int utf8Length(String value) {
    try {
      return StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .encode(java.nio.CharBuffer.wrap(value))
          .remaining();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("object name is not valid Unicode", e);
    }
  }
}
