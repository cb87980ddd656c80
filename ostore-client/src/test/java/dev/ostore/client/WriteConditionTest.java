package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link WriteCondition}: the header each asks for, and what none can ask. */
class WriteConditionTest {
  private static final String HASH = "LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=";

  @Test
  void eachConditionIsOneHeader() {
    assertEquals("If-None-Match: *", WriteCondition.ifAbsent().toString());
    assertEquals("If-Match: \"" + HASH + "\"", WriteCondition.ifContent(HASH).toString());
    assertEquals("If-Match: \"" + HASH + "\"",
        WriteCondition.ifUnchangedSince(new ObjectVersion("a", 3, 5, HASH)).toString());
    assertEquals("If-Match: \"" + HASH + "\"",
        WriteCondition.ifUnchangedSince(new ObjectInfo("a", 3, 5, HASH)).toString());
  }

  @Test
  void aDeletionOrSomethingElseThanAHashNamesNoContent() {
    IllegalArgumentException deleted = assertThrows(IllegalArgumentException.class,
        () -> WriteCondition.ifUnchangedSince(new ObjectVersion("a", 4, 0, "")));
    assertEquals("version 4 of a is a deletion, which has no content: use ifAbsent()",
        deleted.getMessage());
    for (String bad : new String[] {"", "abc", HASH.substring(1), "\"" + HASH + "\""}) {
      assertThrows(IllegalArgumentException.class, () -> WriteCondition.ifContent(bad), bad);
    }
  }
}
