package dev.ostore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectNameTest {
  private static final String LONGEST_ASCII = "a".repeat(255);

  @Test
  void emptyNameIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ObjectName.of(""));
    assertEquals("object name is empty", e.getMessage());
  }

  @Test
  void nullNameIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ObjectName.of(null));
    assertEquals("object name is empty", e.getMessage());
  }

  @Test
  void nameOf255AsciiBytesIsAccepted() {
    assertEquals(LONGEST_ASCII, ObjectName.of(LONGEST_ASCII).value());
  }

  @Test
  void nameOf256AsciiBytesIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ObjectName.of(LONGEST_ASCII + "a"));
    assertEquals("object name is 256 bytes in UTF-8, more than 255", e.getMessage());
  }

  @Test
  void lengthLimitCountsUtf8BytesOfMultiByteCharacters() {
    // é is 2 bytes, € is 3, U+1F600 is 4 (and 2 Java chars).
    assertEquals(255, utf8("é".repeat(127) + "a").length);
    ObjectName.of("é".repeat(127) + "a");
    ObjectName.of("€".repeat(85));
    ObjectName.of("\uD83D\uDE00".repeat(63) + "abc");

    IllegalArgumentException twoByte = assertThrows(IllegalArgumentException.class,
        () -> ObjectName.of("é".repeat(128)));
    assertEquals("object name is 256 bytes in UTF-8, more than 255", twoByte.getMessage());
    IllegalArgumentException threeByte = assertThrows(IllegalArgumentException.class,
        () -> ObjectName.of("€".repeat(85) + "a"));
    assertEquals("object name is 256 bytes in UTF-8, more than 255", threeByte.getMessage());
    IllegalArgumentException fourByte = assertThrows(IllegalArgumentException.class,
        () -> ObjectName.of("\uD83D\uDE00".repeat(64)));
    assertEquals("object name is 256 bytes in UTF-8, more than 255", fourByte.getMessage());
  }

  @Test
  void nameWithSlashIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ObjectName.of("a/b"));
    assertEquals("object name contains '/'", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9F})
  void nameWithControlCharacterIsRefused(int control) {
    String name = "a" + (char) control + "b";
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ObjectName.of(name));
    assertEquals(
        String.format("object name contains the control character U+%04X", control),
        e.getMessage());
  }

  @Test
  void dotAndDotDotAreRefused() {
    IllegalArgumentException dot =
        assertThrows(IllegalArgumentException.class, () -> ObjectName.of("."));
    assertEquals("object name cannot be '.'", dot.getMessage());
    IllegalArgumentException dotDot =
        assertThrows(IllegalArgumentException.class, () -> ObjectName.of(".."));
    assertEquals("object name cannot be '..'", dotDot.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"...", ".hidden", "..x", "x..", "a b", "a+b", "%", "~", "résumé.pdf",
      "\u00A0", "\u2028", "日本語", "\uD83D\uDE00", "\\", "?#[]@!$&'()*,;="})
  void unusualButValidNamesAreAccepted(String value) {
    assertEquals(value, ObjectName.of(value).value());
    assertEquals(value, ObjectName.of(value).toString());
  }

  @Test
  void loneSurrogateIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ObjectName.of("a\uD800b"));
    assertEquals("object name is not valid Unicode", e.getMessage());
  }

  @Test
  void urlSegmentEscapesEverythingButUnreservedCharacters() {
    assertEquals("r%C3%A9sum%C3%A9.pdf", ObjectName.of("résumé.pdf").urlSegment());
    assertEquals("a%20b%2Bc%25d", ObjectName.of("a b+c%d").urlSegment());
    assertEquals("AZaz09-._~", ObjectName.of("AZaz09-._~").urlSegment());
    assertEquals("%F0%9F%98%80", ObjectName.of("\uD83D\uDE00").urlSegment());
  }

  @Test
  void fromUrlSegmentDecodesEscapesInEitherCase() {
    assertEquals(ObjectName.of("résumé.pdf"), ObjectName.fromUrlSegment("r%C3%A9sum%C3%A9.pdf"));
    assertEquals(ObjectName.of("résumé.pdf"), ObjectName.fromUrlSegment("r%c3%a9sum%c3%a9.pdf"));
    assertEquals(ObjectName.of("a b"), ObjectName.fromUrlSegment("a%20b"));
  }

  @Test
  void plusStaysAPlus() {
    assertEquals(ObjectName.of("a+b"), ObjectName.fromUrlSegment("a+b"));
  }

  @Test
  void rawNonAsciiIsAccepted() {
    assertEquals(ObjectName.of("résumé 日本 \uD83D\uDE00"),
        ObjectName.fromUrlSegment("résumé 日本 \uD83D\uDE00"));
  }

  @Test
  void rawAstralCharacterIsAccepted() {
    // U+1D800: its low 16 bits look like a surrogate, the code point is not one.
    assertEquals(ObjectName.of("a\uD836\uDC00"), ObjectName.fromUrlSegment("a\uD836\uDC00"));
    assertEquals(ObjectName.of("a\uD836\uDC00"), ObjectName.fromUrlSegment("a%F0%9D%A0%80"));
  }

  @Test
  void emptySegmentIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ObjectName.fromUrlSegment(""));
    assertEquals("object name is empty", e.getMessage());
  }

  @Test
  void badPercentEscapesAreRefusedWithTheirPosition() {
    assertBadEscape("%", 1);
    assertBadEscape("%4", 1);
    assertBadEscape("a%4", 2);
    assertBadEscape("%G1", 1);
    assertBadEscape("%1G", 1);
    assertBadEscape("ab%zz", 3);
    assertBadEscape("%41%", 4);
    assertBadEscape("%%41", 1);
    assertBadEscape("% 41", 1);
  }

  @Test
  void percentEscapeNeedsAsciiHexDigits() {
    // Character.digit also takes Arabic-Indic and fullwidth digits; RFC 3986 HEXDIG does not.
    assertBadEscape("%\u0664\u0661", 1);
    assertBadEscape("%\uFF14\uFF11", 1);
    assertBadEscape("x%4\uFF21", 2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"%C3", "a%C3", "%C3b", "%FF", "%80", "%C0%AF", "%ED%A0%80", "%F8%88%80"})
  void invalidUtf8IsRefused(String segment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ObjectName.fromUrlSegment(segment));
    assertEquals("object name is not valid UTF-8", e.getMessage());
  }

  @Test
  void rawLoneSurrogateInSegmentIsRefused() {
    // It must not silently turn into '?', which would name another object.
    for (String segment : List.of("a\uD800", "\uDC00b", "\uDC00\uD800")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ObjectName.fromUrlSegment(segment));
      assertEquals("object name is not valid Unicode", e.getMessage());
    }
  }

  @Test
  void encodedSlashIsRefused() {
    for (String segment : List.of("%2F", "%2f", "a%2Fb", "..%2F..%2Fetc")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ObjectName.fromUrlSegment(segment));
      assertEquals("object name contains '/'", e.getMessage(), segment);
    }
  }

  @Test
  void rawSlashIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ObjectName.fromUrlSegment("a/b"));
    assertEquals("object name contains '/'", e.getMessage());
  }

  @Test
  void encodedDotNamesAndControlCharactersAreRefused() {
    assertEquals("object name cannot be '.'", assertThrows(IllegalArgumentException.class,
        () -> ObjectName.fromUrlSegment("%2E")).getMessage());
    assertEquals("object name cannot be '..'", assertThrows(IllegalArgumentException.class,
        () -> ObjectName.fromUrlSegment(".%2e")).getMessage());
    assertEquals("object name contains the control character U+0000",
        assertThrows(IllegalArgumentException.class,
            () -> ObjectName.fromUrlSegment("a%00")).getMessage());
    assertEquals("object name contains the control character U+0085",
        assertThrows(IllegalArgumentException.class,
            () -> ObjectName.fromUrlSegment("%C2%85")).getMessage());
  }

  @Test
  void segmentDecodingToMoreThan255BytesIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ObjectName.fromUrlSegment("%C3%A9".repeat(128)));
    assertEquals("object name is 256 bytes in UTF-8, more than 255", e.getMessage());
    assertEquals("é".repeat(127), ObjectName.fromUrlSegment("%C3%A9".repeat(127)).value());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "...", ".hidden", "a b", "a+b", "100%", "%41", "~user", "résumé.pdf",
      "日本語.txt", "\uD83D\uDE00", "\u00A0", "\uFFFF", "\uD800\uDC00", "?#[]@!$&'()*,;=:",
      "\\back\\slash"})
  void urlSegmentRoundTrips(String value) {
    ObjectName name = ObjectName.of(value);
    assertEquals(name, ObjectName.fromUrlSegment(name.urlSegment()));
  }

  @Test
  void urlSegmentRoundTripsForRandomNames() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      ObjectName name = randomName(random);
      String segment = name.urlSegment();
      assertTrue(segment.matches("([A-Za-z0-9._~-]|%[0-9A-F]{2})+"), segment);
      assertEquals(name, ObjectName.fromUrlSegment(segment), segment);
    }
  }

  @Test
  void longestNameRoundTrips() {
    ObjectName name = ObjectName.of("€".repeat(85));
    assertEquals(name, ObjectName.fromUrlSegment(name.urlSegment()));
  }

  /** A valid name of 1 to 255 UTF-8 bytes drawn from ASCII, Latin, CJK and astral planes. */
  private static ObjectName randomName(Random random) {
    while (true) {
      StringBuilder value = new StringBuilder();
      int length = 1 + random.nextInt(random.nextBoolean() ? 8 : 80);
      for (int i = 0; i < length; i++) {
        int codePoint = switch (random.nextInt(4)) {
          case 0 -> random.nextInt(0x80);
          case 1 -> random.nextInt(0x800);
          case 2 -> random.nextInt(0x10000);
          default -> 0x10000 + random.nextInt(0x100000);
        };
        if (codePoint != '/' && !Character.isISOControl(codePoint)
            && (codePoint < 0xD800 || codePoint > 0xDFFF)) {
          value.appendCodePoint(codePoint);
        }
      }
      String text = value.toString();
      if (!text.isEmpty() && !text.equals(".") && !text.equals("..")
          && utf8(text).length <= ObjectName.MAX_BYTES) {
        return ObjectName.of(text);
      }
    }
  }

  private static void assertBadEscape(String segment, int position) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ObjectName.fromUrlSegment(segment), segment);
    assertEquals("object name has a bad percent escape at character " + position,
        e.getMessage(), segment);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
