package dev.ostore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentHashTest {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  private static final String ABC_HEX =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String ABC_BASE64 = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";

  @Test
  void hashesBytesAndWritesHexInsideAndBase64Outside() {
    ContentHash hash = ContentHash.sha256("abc".getBytes(StandardCharsets.US_ASCII));
    assertEquals(ABC_HEX, hash.hex());
    assertEquals(ABC_BASE64, hash.base64());
    assertEquals(ABC_HEX, hash.toString());
  }

  @Test
  void parsesHexInEitherCaseAndBase64ToTheSameHash() {
    ContentHash hash = ContentHash.parse(ABC_HEX);
    assertEquals(hash, ContentHash.parse(ABC_HEX.toUpperCase(java.util.Locale.ROOT)));
    assertEquals(hash, ContentHash.parse(ABC_BASE64));
    assertEquals(hash.hashCode(), ContentHash.parse(ABC_BASE64).hashCode());
    assertNotEquals(hash, ContentHash.sha256(new byte[0]));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "ba7816bf", ABC_HEX + "0",
      "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfI!Fa0=",
      "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0="})
  void refusesWhatIsNotASha256SayingSo(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ContentHash.parse(text));
    assertEquals("not a SHA-256 in hex or base64: " + text, e.getMessage());
  }

  @Test
  void ofTakesExactly32BytesAndCopiesThem() {
    assertThrows(IllegalArgumentException.class, () -> ContentHash.of(new byte[31]));
    byte[] digest = new byte[32];
    ContentHash hash = ContentHash.of(digest);
    digest[0] = 1;
    assertEquals(ContentHash.of(new byte[32]), hash);
  }

  @Test
  void hashesSortAsTheirHexDoes() {
    // 0x7f and 0x80 differ in sign as Java bytes: a signed comparison would put 80 first. The
    // same at each eighth byte, where a comparison by numbers of eight bytes turns.
    List<ContentHash> hashes = Stream.of(0, 15, 16, 31, 32, 48, 62)
        .flatMap(at -> Stream.of("80", "7f", "ff", "00", "0a")
            .map(pair -> "1".repeat(at) + pair + "1".repeat(62 - at)))
        .map(ContentHash::parse).toList();
    assertEquals(hashes.stream().map(ContentHash::hex).sorted().toList(),
        hashes.stream().sorted().map(ContentHash::hex).toList());
    assertEquals(0, ContentHash.parse(ABC_HEX).compareTo(ContentHash.parse(ABC_BASE64)));
  }

  @Test
  void firstByteIsTheFirstTwoHexDigits() {
    for (String pair : List.of("00", "0a", "7f", "80", "c3", "ff")) {
      ContentHash hash = ContentHash.parse(pair + "e".repeat(62));
      assertEquals(Integer.parseInt(pair, 16), hash.firstByte(), pair);
    }
  }

  @Test
  void prefixIsTheFirstBitsAsANumber() {
    ContentHash hash = ContentHash.parse("f3a" + "0".repeat(61));
    assertEquals(1, hash.prefix(1));
    assertEquals(0xf3, hash.prefix(8));
    assertEquals(0xf3a, hash.prefix(12));
    assertEquals(0x79d0_0000, hash.prefix(31));
    assertThrows(IllegalArgumentException.class, () -> hash.prefix(0));
    assertThrows(IllegalArgumentException.class, () -> hash.prefix(32));
  }
}
