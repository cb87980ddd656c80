package dev.ostore.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileNamesTest {
  /** Letters, digits, {@code - _ .}, and the {@code %} and {@code ~} of escapes and hashes. */
  private static final Pattern PORTABLE = Pattern.compile("[A-Za-z0-9._%~-]+");
  private static final Path ROOT = Path.of("/srv/ostore");
  private static final Path OBJECTS = ROOT.resolve("objects");

  @Test
  void emptyKeyIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FileNames.forKey(""));
    assertEquals("storage key is empty", e.getMessage());
  }

  @Test
  void plainKeysAreKeptAsTheyAre() {
    assertEquals("report.pdf", FileNames.forKey("report.pdf"));
    assertEquals("A-Z_a-z.0-9", FileNames.forKey("A-Z_a-z.0-9"));
  }

  @Test
  void everythingElseIsPercentEncoded() {
    assertEquals("a%2Fb", FileNames.forKey("a/b"));
    assertEquals("%2E.", FileNames.forKey(".."));
    assertEquals("%2E", FileNames.forKey("."));
    assertEquals("%2Ehidden", FileNames.forKey(".hidden"));
    assertEquals("%2E..", FileNames.forKey("..."));
    assertEquals("%7E", FileNames.forKey("~"));
    assertEquals("%25", FileNames.forKey("%"));
    assertEquals("%00", FileNames.forKey("\0"));
    assertEquals("r%C3%A9sum%C3%A9", FileNames.forKey("résumé"));
    assertEquals("a%20b%5Cc%3A", FileNames.forKey("a b\\c:"));
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "..", "...", ".hidden", "/", "a/b", "../escape", "../../etc/passwd",
      "/etc/passwd", "a/../../b", "\\..\\x", "~", "~root", "%2F", "%2e%2e", "\0", "a\0b", "C:",
      "CON", " ", "\n", "-rf", "a.", "é", "\uD83D\uDE00"})
  void everyKeyBecomesOneSafePathComponent(String key) {
    assertSafe(key, FileNames.forKey(key));
  }

  @Test
  void nameUsedVerbatimUpToTheLimit() {
    String key = "k".repeat(FileNames.MAX_LENGTH);
    assertEquals(key, FileNames.forKey(key));
  }

  @Test
  void longerNamesAreShortenedWithAHash() {
    String name = FileNames.forKey("k".repeat(FileNames.MAX_LENGTH + 1));
    assertTrue(name.length() <= FileNames.MAX_LENGTH, name);
    assertTrue(name.matches("k{120}~[0-9a-f]{64}"), name);
  }

  @Test
  void keyWhoseEncodingIsTooLongIsShortened() {
    // 67 bytes of 'é' (2 bytes each) encode to 402 characters.
    String name = FileNames.forKey("é".repeat(67));
    assertSafe("é".repeat(67), name);
    assertTrue(name.contains("~"), name);
  }

  @Test
  void keysSharingALongPrefixGetDistinctNames() {
    String prefix = "p".repeat(500);
    List<String> keys = List.of(prefix + "a", prefix + "b", prefix, prefix + "aa", prefix + "/",
        prefix + "%", prefix + "~");
    Map<String, String> seen = new HashMap<>();
    for (String key : keys) {
      String name = FileNames.forKey(key);
      assertSafe(key, name);
      assertNull(seen.put(name, key), "same name for " + key + " and " + seen.get(name));
    }
  }

  @Test
  void keysDifferingOnlyAfterTheCutGetDistinctNames() {
    String a = "x".repeat(FileNames.MAX_LENGTH) + "a";
    String b = "x".repeat(FileNames.MAX_LENGTH) + "b";
    assertNotEquals(FileNames.forKey(a), FileNames.forKey(b));
    assertEquals(FileNames.forKey(a).substring(0, 121), FileNames.forKey(b).substring(0, 121));
  }

  @Test
  void keySpellingAShortenedNameGetsAnotherName() {
    String longKey = "x".repeat(FileNames.MAX_LENGTH + 1);
    String shortened = FileNames.forKey(longKey);
    assertNotEquals(shortened, FileNames.forKey(shortened));
    assertEquals(shortened.replace("~", "%7E"), FileNames.forKey(shortened));
  }

  @Test
  void keyWithUnpairedSurrogateIsRefused() {
    // UTF-8 would turn it into '?', the name of another key.
    List<String> keys =
        List.of("\uD800", "a\uDC00", "\uDC00\uD800", "x".repeat(300) + "\uD800");
    for (String key : keys) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> FileNames.forKey(key));
      assertEquals("storage key is not valid Unicode", e.getMessage());
    }
    assertEquals("%3F", FileNames.forKey("?"));
  }

  @Test
  void cutNeverSplitsAnEscape() {
    for (int offset = 0; offset < 3; offset++) {
      String key = "a".repeat(offset) + "/".repeat(300);
      String name = FileNames.forKey(key);
      String prefix = name.substring(0, name.indexOf('~'));
      assertTrue(prefix.matches("a*(%2F)+"), prefix);
    }
  }

  @Test
  void thousandsOfRandomKeysStayInTheObjectsDirectoryWithDistinctNames() {
    Random random = new Random(1234);
    Map<String, String> keyByName = new HashMap<>();
    int distinctKeys = 0;
    Map<String, Boolean> keys = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      String key = randomKey(random);
      String name = FileNames.forKey(key);
      assertSafe(key, name);
      assertEquals(OBJECTS, OBJECTS.resolve(name).normalize().getParent(), key);
      if (keys.put(key, true) == null) {
        distinctKeys++;
        String other = keyByName.put(name, key);
        assertNull(other, "same name " + name + " for distinct keys");
      }
    }
    assertTrue(distinctKeys > 15_000, "too few distinct keys: " + distinctKeys);
  }

  private static void assertSafe(String key, String name) {
    assertTrue(name.length() <= FileNames.MAX_LENGTH, key + " -> " + name);
    assertTrue(PORTABLE.matcher(name).matches(), key + " -> " + name);
    assertFalse(name.startsWith("."), key + " -> " + name);
    assertNotEquals(".", name);
    assertNotEquals("..", name);
    Path path = Path.of(name);
    assertEquals(1, path.getNameCount(), key + " -> " + name);
    assertEquals(OBJECTS, OBJECTS.resolve(name).normalize().getParent(), key + " -> " + name);
    assertEquals(name, FileNames.forKey(key), "not stable for " + key);
  }

  /** Keys built from the pieces that break naive file naming, at all lengths up to 600 chars. */
  private static String randomKey(Random random) {
    String[] pieces = {"/", "..", ".", "%", "%2F", "~", "\0", "\\", " ", ":", "a", "Z", "0", "-",
        "_", "é", "日本", "\uD83D\uDE00", "\n", "\u007F", "%25"};
    StringBuilder key = new StringBuilder();
    int length = 1 + random.nextInt(random.nextInt(4) == 0 ? 300 : 20);
    for (int i = 0; i < length; i++) {
      if (random.nextInt(5) == 0) {
        key.append((char) (1 + random.nextInt(0xD7FF)));
      } else {
        key.append(pieces[random.nextInt(pieces.length)]);
      }
    }
    return key.toString();
  }
}
