package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JsonStringTest {
  @Test
  void decodesAQuotedAddress() {
    assertEquals("127.0.0.1:9001", JsonString.decode("\"127.0.0.1:9001\"\n"));
  }

  @Test
  void decodesEscapes() {
    assertEquals("a\"b\\c/d\te\u00e9", JsonString.decode("\"a\\\"b\\\\c\\/d\\te\\u00E9\""));
  }

  @Test
  void refusesWhatIsNotOneString() {
    for (String bad : new String[] {"", "\"", "127.0.0.1:9001", "\"a\"b\"", "\"a\\\"", "\"\\x\"",
        "\"\\u12\"", "\"\\u+123\"", "\"\\u\uFF11234\"", "\"a\nb\""}) {
      assertThrows(IllegalArgumentException.class, () -> JsonString.decode(bad), bad);
    }
  }
}
