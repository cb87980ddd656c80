package dev.ostore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ShardIdTest {
  static final ContentHash HASH = ContentHash.sha256("x".getBytes(UTF_8));

  @Test
  void textRoundTrips() {
    for (int index : new int[] {0, 5, 254}) {
      ShardId id = new ShardId(HASH, index);
      assertEquals(HASH.hex() + "." + index, id.toString());
      assertEquals(id, ShardId.parse(id.toString()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc.0", "H", "H.", "H.255", "H.01", "H.-1", "H.1.2", "H. 1",
      "H.1000", "H0.1", ".1"})
  void onlyTheCanonicalTextParses(String pattern) {
    String text = pattern.replace("H", HASH.hex());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ShardId.parse(text));
    assertTrue(e.getMessage().contains("shard"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  @Test
  void upperCaseHexIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> ShardId.parse(HASH.hex().toUpperCase(java.util.Locale.ROOT) + ".1"));
  }

  @Test
  void indexOutsideTheRangeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ShardId(HASH, -1));
    assertThrows(IllegalArgumentException.class, () -> new ShardId(HASH, 255));
  }

  @Test
  void ordersByHashThenNumericIndex() {
    ContentHash low = ContentHash.parse("0".repeat(64));
    ContentHash high = ContentHash.parse("f".repeat(64));
    assertTrue(new ShardId(low, 200).compareTo(new ShardId(high, 0)) < 0);
    assertTrue(new ShardId(low, 2).compareTo(new ShardId(low, 10)) < 0);
  }
}
