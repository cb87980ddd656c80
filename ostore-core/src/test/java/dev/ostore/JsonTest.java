package dev.ostore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  @Test
  void quoteEscapesQuotesBackslashesAndControlCharacters() {
    assertEquals("\"plain\"", Json.quote("plain"));
    assertEquals("\"a\\\"b\\\\c\"", Json.quote("a\"b\\c"));
    assertEquals("\"\\n\\r\\t\\u0000\\u001f\\u0008\"", Json.quote("\n\r\t\u0000\u001f\b"));
    assertEquals("\"résumé 日本 \uD83D\uDE00\"", Json.quote("résumé 日本 \uD83D\uDE00"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "plain", "127.0.0.1:8080", "\"", "\\", "\\\"", "\"\\\"",
      "a\nb\r\tc", "\u0000\u0001\u001f\u007f", "\b\f", "/", "</script>", "résumé", "日本語",
      "\uD83D\uDE00", "\u2028\u2029", "\uFFFF", "{\"nested\":1}"})
  void quoteAndParseStringRoundTrip(String text) {
    assertEquals(text, Json.parseString(Json.quote(text)));
  }

  @Test
  void quoteAndParseStringRoundTripForRandomStrings() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(40);
      for (int j = 0; j < length; j++) {
        text.append(random.nextBoolean() ? (char) random.nextInt(0x80)
            : (char) random.nextInt(0x10000));
      }
      String original = text.toString();
      assertEquals(original, Json.parseString(Json.quote(original)));
    }
  }

  @Test
  void parseStringUnderstandsEveryEscape() {
    assertEquals("\"\\/\b\f\n\r\tAé\uD83D\uDE00",
        Json.parseString("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00E9\\ud83d\\uDE00\""));
  }

  @Test
  void parseStringAllowsBlanksAroundTheLiteral() {
    assertEquals("x", Json.parseString(" \t\r\n\"x\" \n"));
  }

  @Test
  void parseObjectReadsStringsIntegersAndBooleansInOrder() {
    Map<String, Object> members = Json.parseObject(
        "{ \"Addr\" : \"127.0.0.1:8080\", \"Found\":true, \"Lost\":false, \"Size\":123,"
            + " \"Neg\":-42, \"Big\":9223372036854775807 }");
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("Addr", "127.0.0.1:8080");
    expected.put("Found", true);
    expected.put("Lost", false);
    expected.put("Size", 123L);
    expected.put("Neg", -42L);
    expected.put("Big", Long.MAX_VALUE);
    assertEquals(expected, members);
    assertEquals(List.copyOf(expected.keySet()), new ArrayList<>(members.keySet()));
  }

  @Test
  void parseObjectReadsEmptyObject() {
    assertEquals(Map.of(), Json.parseObject("{}"));
    assertEquals(Map.of(), Json.parseObject(" { } "));
  }

  @Test
  void parseObjectReadsEscapedKeysAndValues() {
    assertEquals(Map.of("a\"b", "c\\d\n"), Json.parseObject("{\"a\\\"b\":\"c\\\\d\\n\"}"));
  }

  @Test
  void trailingTextIsRefused() {
    assertMalformed(() -> Json.parseString("\"a\" x"), "unexpected text after the value");
    assertMalformed(() -> Json.parseString("\"a\"\"b\""), "unexpected text after the value");
    assertMalformed(() -> Json.parseObject("{} {}"), "unexpected text after the value");
    assertMalformed(() -> Json.parseObject("{\"a\":1},"), "unexpected text after the value");
  }

  @Test
  void unterminatedStringIsRefused() {
    assertMalformed(() -> Json.parseString("\"abc"), "unterminated string");
    assertMalformed(() -> Json.parseString("\""), "unterminated string");
    assertMalformed(() -> Json.parseString("\"abc\\"), "unterminated escape");
    assertMalformed(() -> Json.parseObject("{\"a\":\"b}"), "unterminated string");
  }

  @Test
  void nestedObjectIsRefused() {
    assertMalformed(() -> Json.parseObject("{\"a\":{\"b\":1}}"),
        "expected a string, an integer or a boolean");
  }

  @Test
  void arraysOfIntegersAreRead() {
    assertEquals(java.util.Map.of("a", java.util.List.of(0L, 3L, -2L), "b", java.util.List.of()),
        Json.parseObject("{\"a\": [0, 3 ,-2], \"b\":[ ]}"));
  }

  @Test
  void duplicateKeyIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Json.parseObject("{\"a\":1,\"a\":2}"));
    assertTrue(e.getMessage().startsWith("duplicate key \"a\" at offset "), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":null}", "{\"a\":[[1]]}", "{\"a\":[\"x\"]}", "{\"a\":[1,]}",
      "{\"a\":[1}", "{\"a\":[,]}", "{\"a\":[true]}", "{\"a\":1.5}", "{\"a\":1e3}",
      "{\"a\":-}", "{\"a\":}", "{\"a\":tru}", "{\"a\":\u0661\u0662}",
      "{\"a\":99999999999999999999}"})
  void valuesOtherThanStringsIntegersAndBooleansAreRefused(String json) {
    assertThrows(IllegalArgumentException.class, () -> Json.parseObject(json), json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "{", "}", "[]", "\"a\"", "{\"a\"}", "{\"a\" 1}", "{a:1}",
      "{\"a\":1,}", "{,}", "{\"a\":1 \"b\":2}", "{\"a\":truex}", "{'a':1}"})
  void malformedObjectsAreRefused(String json) {
    assertThrows(IllegalArgumentException.class, () -> Json.parseObject(json), json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "'abc'", "\"a\nb\"", "\"a\u0000b\"", "\"\\x\"", "\"\\u12\"",
      "\"\\u12G4\"", "\"\\u+041\"", "\"\\u-001\"", "\"\\u\u0664\u0661\u0664\u0661\"", "{}", "1"})
  void malformedStringsAreRefused(String json) {
    assertThrows(IllegalArgumentException.class, () -> Json.parseString(json), json);
  }

  @Test
  void unicodeEscapeTakesExactlyFourAsciiHexDigits() {
    assertMalformed(() -> Json.parseString("\"\\u+041\""), "bad \\u escape");
    assertMalformed(() -> Json.parseString("\"\\u-001\""), "bad \\u escape");
    assertMalformed(() -> Json.parseString("\"\\u\uFF10041\""), "bad \\u escape");
    assertMalformed(() -> Json.parseString("\"\\u004\""), "bad \\u escape");
    assertMalformed(() -> Json.parseString("\"\\u04"), "short \\u escape");
  }

  @Test
  void errorsSayWhereAndShowTheInput() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Json.parseObject("{\"a\":1 x"));
    assertEquals("expected '}' at offset 7 in JSON: {\"a\":1 x", e.getMessage());
  }

  @Test
  void longInputIsShortenedInErrors() {
    String json = "\"" + "x".repeat(200);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Json.parseString(json));
    assertEquals("unterminated string at offset 201 in JSON: " + json.substring(0, 80) + "...",
        e.getMessage());
  }

  @Test
  void isObjectTellsObjectsFromStrings() {
    assertTrue(Json.isObject(" {\"Found\":true}"));
    assertFalse(Json.isObject("\"127.0.0.1:8080\""));
  }

  private static void assertMalformed(
      org.junit.jupiter.api.function.Executable parse, String what) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse);
    assertTrue(e.getMessage().startsWith(what + " at offset "), e.getMessage());
  }
}
