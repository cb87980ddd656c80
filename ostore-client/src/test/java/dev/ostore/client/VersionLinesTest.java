package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Version lines as the api server writes them, and what is refused. */
class VersionLinesTest {
  private static final String HASH = FakeOstoreServer.sha256(new byte[0]);

  @Test
  void parsesAVersion() {
    ObjectVersion version = VersionLines.parse(
        "{\"Name\":\"report.pdf\",\"Version\":3,\"Size\":123,\"Hash\":\"" + HASH + "\"}");
    assertEquals(new ObjectVersion("report.pdf", 3, 123, HASH), version);
    assertFalse(version.isDeleted());
  }

  @Test
  void parsesWhenAVersionWasRecorded() {
    String line = "{\"Name\":\"a\",\"Version\":1,\"Size\":0,\"Hash\":\"" + HASH
        + "\",\"Created\":\"2026-12-05T04:31:22.123Z\"}";
    assertEquals(Optional.of(Instant.parse("2026-12-05T04:31:22.123Z")),
        VersionLines.parse(line).created());
    assertEquals(Optional.empty(), VersionLines.parse(line.replace("22.123Z", "22 UTC")).created(),
        "a time in another form says nothing, and the version stands");
  }

  @Test
  void parsesATombstone() {
    ObjectVersion version =
        VersionLines.parse("{\"Name\":\"a\",\"Version\":2,\"Size\":0,\"Hash\":\"\"}");
    assertTrue(version.isDeleted());
    assertEquals("", version.hash());
  }

  @Test
  void namesWithQuotesBackslashesAndUnicodeComeBackExactly() {
    for (String name : List.of("say \"hi\"", "back\\slash\\", "ü-東京-🎉", "tab\\t?", "é\u00a0")) {
      String line = "{\"Name\":" + FakeOstoreServer.quote(name)
          + ",\"Version\":1,\"Size\":5,\"Hash\":\"" + HASH + "\"}";
      assertEquals(name, VersionLines.parse(line).name(), line);
    }
    // Escaped as \\u too: a surrogate pair spells one emoji.
    assertEquals("🎉\u00e9", VersionLines.parse("{\"Name\":\"\\ud83c\\udf89\\u00E9\","
        + "\"Version\":1,\"Size\":5,\"Hash\":\"" + HASH + "\"}").name());
  }

  @Test
  void sizesAndNumbersAreSixtyFourBits() {
    ObjectVersion version = VersionLines.parse("{\"Name\":\"huge\",\"Version\":"
        + "999999999999999999,\"Size\":9223372036854775807,\"Hash\":\"" + HASH + "\"}");
    assertEquals(999_999_999_999_999_999L, version.version());
    assertEquals(Long.MAX_VALUE, version.size());
    assertEquals(5L << 40, VersionLines.parse("{\"Name\":\"tib\",\"Version\":1,\"Size\":"
        + (5L << 40) + ",\"Hash\":\"" + HASH + "\"}").size());
  }

  @Test
  void otherMembersAreIgnoredInAnyOrder() {
    assertEquals(new ObjectVersion("a", 1, 2, HASH), VersionLines.parse("{\"Hash\":\"" + HASH
        + "\",\"Created\":\"2025-01-01\",\"Size\":2,\"Deleted\":false,\"Version\":1,"
        + "\"Name\":\"a\"}"));
  }

  @Test
  void refusesLinesThatAreNoVersion() {
    for (String bad : List.of(
        "{\"Version\":1,\"Size\":2,\"Hash\":\"\"}",
        "{\"Name\":\"a\",\"Version\":\"1\",\"Size\":0,\"Hash\":\"\"}",
        "{\"Name\":\"a\",\"Version\":0,\"Size\":0,\"Hash\":\"\"}",
        "{\"Name\":\"a\",\"Version\":1,\"Size\":-1,\"Hash\":\"" + HASH + "\"}",
        "{\"Name\":\"a\",\"Version\":1,\"Size\":5,\"Hash\":\"\"}",
        "{\"Name\":\"a\",\"Version\":1,\"Size\":5,\"Hash\":\"abc\"}",
        "{\"Name\":\"\",\"Version\":1,\"Size\":5,\"Hash\":\"" + HASH + "\"}",
        "{\"Name\":\"a\",\"Version\":1,\"Size\":1.0,\"Hash\":\"" + HASH + "\"}",
        "[\"a\",1,1,\"\"]")) {
      assertThrows(IllegalArgumentException.class, () -> VersionLines.parse(bad), bad);
    }
  }

  @Test
  void readsEveryLineOfABody() throws IOException {
    String body = line("a", 1) + line("b\u00e9", 2) + line("c", 3);
    List<ObjectVersion> versions = read(body, 3);
    assertEquals(List.of("a", "bé", "c"), versions.stream().map(ObjectVersion::name).toList());
    assertEquals(List.of(), read("", 3));
  }

  @Test
  void aBodyCutInsideALineIsAnError() {
    String body = line("a", 1) + line("b", 2);
    IOException e = assertThrows(IOException.class,
        () -> read(body.substring(0, body.length() - 5), 10));
    assertTrue(e.getMessage().startsWith("GET x: answer ends inside a line, cut short"),
        e.getMessage());
  }

  @Test
  void moreLinesThanAskedForAreAnError() {
    IOException e = assertThrows(IOException.class, () -> read(line("a", 1) + line("b", 2), 1));
    assertEquals("GET x: answer has more than 1 lines", e.getMessage());
  }

  @Test
  void overlongLinesAndBadUtf8AreErrors() {
    assertThrows(IOException.class,
        () -> read("x".repeat(VersionLines.MAX_LINE_BYTES + 1) + "\n", 1));
    IOException e = assertThrows(IOException.class, () -> VersionLines.read(
        new ByteArrayInputStream(new byte[] {'{', (byte) 0xC3, '}', '\n'}), 1, "GET x"));
    assertEquals("GET x: answer has a line that is not UTF-8", e.getMessage());
  }

  private static String line(String name, long version) {
    return "{\"Name\":" + FakeOstoreServer.quote(name) + ",\"Version\":" + version
        + ",\"Size\":0,\"Hash\":\"" + HASH + "\"}\n";
  }

  private static List<ObjectVersion> read(String body, int max) throws IOException {
    return VersionLines.read(
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), max, "GET x");
  }
}
