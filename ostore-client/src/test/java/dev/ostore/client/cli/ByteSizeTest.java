package dev.ostore.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
  @Test
  void plainDigitsAreBytes() {
    assertEquals(0, ByteSize.parse("0").bytes());
    assertEquals(4096, ByteSize.parse("4096").bytes());
  }

  @Test
  void suffixesArePowersOf1024InEitherCase() {
    assertEquals(4096, ByteSize.parse("4k").bytes());
    assertEquals(4096, ByteSize.parse("4K").bytes());
    assertEquals(1L << 20, ByteSize.parse("1m").bytes());
    assertEquals(3L << 30, ByteSize.parse("3G").bytes());
    assertEquals(2L << 40, ByteSize.parse("2t").bytes());
  }

  @Test
  void malformedSizesAreRefusedWithTheText() {
    for (String bad : new String[] {"", "k", "4kb", "-1", "1.5g", "4 k", "0x10", "１k"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(bad), bad);
      assertEquals("not a size: '" + bad + "' (use e.g. 4096, 4k, 1m, 1g)", e.getMessage());
    }
  }

  @Test
  void sizesBeyondALongAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("99999999999999999999"));
    assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("8388608t"));
  }
}
