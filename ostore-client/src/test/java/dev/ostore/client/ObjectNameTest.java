package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ObjectNameTest {
  @Test
  void unreservedCharactersStayAsTheyAre() {
    String name = "ABCXYZ-abcxyz.0123456789_~";
    assertEquals(name, new ObjectName(name).urlSegment());
  }

  @Test
  void percentPlusAndSpaceAreEscaped() {
    assertEquals("100%25%2B1%20x", new ObjectName("100%+1 x").urlSegment());
  }

  @Test
  void otherAsciiPunctuationIsEscapedInUppercaseHex() {
    assertEquals("a%3Fb%23c%26d%3De%3Af%40g%5Ch%22",
        new ObjectName("a?b#c&d=e:f@g\\h\"").urlSegment());
  }

  @Test
  void multiByteUtf8IsEscapedBytePerByte() {
    assertEquals("r%C3%A9sum%C3%A9", new ObjectName("résumé").urlSegment());
    assertEquals("%E6%97%A5%E6%9C%AC", new ObjectName("日本").urlSegment());
    // A code point outside the BMP: one surrogate pair in Java, four bytes in UTF-8.
    assertEquals("%F0%9F%98%80", new ObjectName("\uD83D\uDE00").urlSegment());
  }

  @Test
  void dotsInsideANameAreFine() {
    assertEquals("...", new ObjectName("...").urlSegment());
    assertEquals(".hidden", new ObjectName(".hidden").urlSegment());
  }

  @Test
  void emptyNameIsRefused() {
    assertRefused("", "object name is empty");
  }

  @Test
  void dotAndDotDotAreRefused() {
    assertRefused(".", "object name cannot be '.'");
    assertRefused("..", "object name cannot be '..'");
  }

  @Test
  void slashIsRefused() {
    assertRefused("a/b", "object name contains '/': a/b");
  }

  @Test
  void controlCharactersAreRefused() {
    assertRefused("a\nb", "object name contains the control character U+000A at index 1");
    assertRefused("\u0000", "object name contains the control character U+0000 at index 0");
    assertRefused("x\u007F", "object name contains the control character U+007F at index 1");
    assertRefused("x\u0085", "object name contains the control character U+0085 at index 1");
  }

  @Test
  void nameOf255Utf8BytesIsAcceptedAnd256IsRefused() {
    new ObjectName("a".repeat(255));
    new ObjectName("é".repeat(127) + "a"); // 2 bytes each: 255 bytes in 128 characters
    assertRefused("a".repeat(256), "object name is 256 bytes in UTF-8, more than 255");
    assertRefused("é".repeat(128), "object name is 256 bytes in UTF-8, more than 255");
  }

  @Test
  void loneSurrogateIsRefused() {
    assertRefused("a\uD83D", "object name is not valid Unicode (lone surrogate)");
  }

  @Test
  void nullIsRefused() {
    assertThrows(NullPointerException.class, () -> new ObjectName(null));
  }

  private static void assertRefused(String name, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ObjectName(name));
    assertEquals(message, e.getMessage());
  }
}
