package dev.ostore.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class Crc32CombineTest {
  @Test
  void combiningTheCrcsOfTwoRunsGivesTheCrcOfBothTogether() {
    Random random = new Random(3);
    byte[] data = new byte[3 << 20];
    random.nextBytes(data);
    int[] cuts = {0, 1, 7, 4096, 65536, 65537, 1 << 20, data.length - 1, data.length};
    for (int cut : cuts) {
      for (int end : new int[] {cut, Math.min(data.length, cut + 1), data.length}) {
        assertEquals(crc(data, 0, end),
            Crc32Combine.combine(crc(data, 0, cut), crc(data, cut, end - cut), end - cut),
            "cut at " + cut + ", end at " + end);
      }
    }
  }

  @Test
  void combiningManyBlocksInTurnGivesTheCrcOfTheWhole() {
    byte[] data = Corpus.LOG.make(40 * 65536 + 123);
    int crc = 0;
    for (int off = 0; off < data.length; off += 65536) {
      int len = Math.min(65536, data.length - off);
      crc = Crc32Combine.combine(crc, crc(data, off, len), len);
    }
    assertEquals(crc(data, 0, data.length), crc);
  }

  private static int crc(byte[] b, int off, int len) {
    CRC32 crc = new CRC32();
    crc.update(b, off, len);
    return (int) crc.getValue();
  }
}
