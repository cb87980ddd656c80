package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void decodesAQuotedAddress() {
    assertEquals("127.0.0.1:9001", Json.string("\"127.0.0.1:9001\"\n"));
  }

  @Test
  void decodesEscapes() {
    assertEquals("a\"b\\c/d\te\u00e9", Json.string("\"a\\\"b\\\\c\\/d\\te\\u00E9\""));
    assertEquals("\uD83C\uDF89", Json.string("\"\\ud83c\\udf89\""));
    assertEquals("\b\f\n\r", Json.string("\"\\b\\f\\n\\r\""));
  }

  @Test
  void refusesWhatIsNotOneString() {
    for (String bad : new String[] {"", "\"", "127.0.0.1:9001", "\"a\"b\"", "\"a\\\"", "\"\\x\"",
        "\"\\u12\"", "\"\\u+123\"", "\"\\u\uFF11234\"", "\"a\nb\"", "\"\\ud83c\"", "\"\\udf89x\"",
        "{}", "\"a\" \"b\""}) {
      assertThrows(IllegalArgumentException.class, () -> Json.string(bad), bad);
    }
  }

  @Test
  void readsAFlatObjectInOrder() {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("Name", "a b");
    expected.put("Version", 3L);
    expected.put("Size", Long.MAX_VALUE);
    expected.put("Negative", Long.MIN_VALUE);
    expected.put("Zero", 0L);
    expected.put("Live", true);
    expected.put("Gone", false);
    Map<String, Object> members = Json.object(" {\"Name\" : \"a b\",\"Version\":3,\n"
        + "\"Size\":9223372036854775807,\"Negative\":-9223372036854775808,\"Zero\":0,"
        + "\"Live\":true,\t\"Gone\":false}\r\n");
    assertEquals(expected, members);
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(members.keySet()));
    assertEquals(Map.of(), Json.object("{ }"));
  }

  @Test
  void refusesWhatIsNotOneFlatObject() {
    for (String bad : new String[] {"", "{", "}", "[]", "\"a\"", "{\"a\":1,}", "{,}",
        "{\"a\":1 \"b\":2}", "{\"a\" 1}", "{a:1}", "{\"a\":1}x", "{\"a\":1}{}", "{\"a\":null}",
        "{\"a\":{}}", "{\"a\":[1]}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":01}", "{\"a\":-}",
        "{\"a\":+1}", "{\"a\":9223372036854775808}", "{\"a\":tru}", "{\"a\":1,\"a\":2}",
        "{\"a\":\"x}"}) {
      assertThrows(IllegalArgumentException.class, () -> Json.object(bad), bad);
    }
  }

  @Test
  void errorsSayWhere() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Json.object("{\"a\":1,\"a\":2}"));
    assertEquals("JSON repeated key \"a\" at index 7: {\"a\":1,\"a\":2}", e.getMessage());
  }
}
