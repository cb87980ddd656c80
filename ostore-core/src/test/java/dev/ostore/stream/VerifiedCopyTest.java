package dev.ostore.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VerifiedCopyTest {
  @Test
  void bytesThatMatchTheirHashAreCopiedWhole() throws Exception {
    int chunk = VerifiedCopy.CHUNK;
    for (int size : new int[] {0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk, 1_000_000}) {
      byte[] bytes = random(size);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertTrue(VerifiedCopy.copy(new ByteArrayInputStream(bytes), out,
          ContentHash.sha256(bytes), size), "size " + size);
      assertArrayEquals(bytes, out.toByteArray(), "size " + size);
    }
  }

  @Test
  void corruptBytesNeverArriveWhole() throws Exception {
    for (int size : new int[] {1, VerifiedCopy.CHUNK, VerifiedCopy.CHUNK + 1, 1_000_000}) {
      byte[] good = random(size);
      byte[] bad = good.clone();
      bad[size / 2] ^= 1;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertFalse(VerifiedCopy.copy(new ByteArrayInputStream(bad), out,
          ContentHash.sha256(good), size), "size " + size);
      assertTrue(out.size() < size, "size " + size + ": " + out.size() + " bytes went out");
      assertArrayEquals(Arrays.copyOf(bad, out.size()), out.toByteArray());
    }
  }

  @Test
  void aShorterStreamDoesNotPassForTheObject() throws Exception {
    int chunk = VerifiedCopy.CHUNK;
    byte[] whole = random(3 * chunk + 1000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertFalse(VerifiedCopy.copy(new ByteArrayInputStream(whole, 0, 2 * chunk + 500), out,
        ContentHash.sha256(whole), whole.length));
    assertEquals(2 * chunk, out.size(), "the chunk that reached the end was held back");
  }

  @Test
  void aLengthThatIsWrongOnlyChangesTheBuffersNotTheCheck() throws Exception {
    byte[] bytes = random(2 * VerifiedCopy.CHUNK + 1000);
    for (long length : new long[] {0, 1, 4096, bytes.length - 1, bytes.length + 1,
        Long.MAX_VALUE}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertTrue(VerifiedCopy.copy(new ByteArrayInputStream(bytes), out,
          ContentHash.sha256(bytes), length), "length " + length);
      assertArrayEquals(bytes, out.toByteArray(), "length " + length);
      byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
      assertFalse(VerifiedCopy.copy(new ByteArrayInputStream(longer), new ByteArrayOutputStream(),
          ContentHash.sha256(bytes), length), "one byte more, length " + length);
    }
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }
}
