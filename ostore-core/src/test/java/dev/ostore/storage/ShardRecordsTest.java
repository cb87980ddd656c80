package dev.ostore.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.OstoreException;
import dev.ostore.TestData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Blocks sent as records and checked where they arrive. */
class ShardRecordsTest {
  /** A 1,000-byte object cut 4+2 in chunks of 100: shards of 3 blocks (100, 100, 50 bytes). */
  static final ShardLayout LAYOUT = new ShardLayout(4, 2, 100, 1000);
  static final byte[] SHARD = TestData.randomBytes(250, 7);

  @Test
  void blocksComeBackWholeOrInPiecesFromAnyBlockOn() throws IOException {
    try (InputStream in = ShardRecords.checking(records(0, 3), LAYOUT, 0, 3, "shard")) {
      assertArrayEquals(SHARD, in.readAllBytes());
    }
    try (InputStream in = ShardRecords.checking(records(1, 3), LAYOUT, 1, 3, "shard")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] small = new byte[7];
      for (int n; (n = in.read(small)) != -1; ) {
        out.write(small, 0, n);
      }
      assertArrayEquals(Arrays.copyOfRange(SHARD, 100, 250), out.toByteArray());
    }
    assertEquals(100 + 4 + 50 + 4, ShardRecords.length(LAYOUT, 1, 3));
  }

  @Test
  void aByteDamagedOnTheWayFailsItsBlockBeforeAnyOfItIsReturned() throws IOException {
    byte[] damaged = records(0, 3).readAllBytes();
    damaged[104 + 30] ^= 1; // in block 1
    try (InputStream in = ShardRecords.checking(
        new ByteArrayInputStream(damaged), LAYOUT, 0, 3, "shard 1 from a server")) {
      byte[] block = new byte[100];
      assertEquals(100, in.read(block));
      assertArrayEquals(Arrays.copyOfRange(SHARD, 0, 100), block);
      byte[] piece = new byte[10];
      OstoreException e = assertThrows(OstoreException.class, () -> in.read(piece));
      assertEquals(ErrorCode.DATA_SERVER_FAILED, e.code());
      assertEquals("block 1 of shard 1 from a server fails its CRC32C on arrival", e.getMessage());
      assertArrayEquals(new byte[10], piece, "none of the damaged block was handed out");
    }
  }

  @Test
  void blocksSentForOthersFailTheirChecksum() {
    // Blocks 0 and 1 as if they were blocks 1 and 2: their bytes are intact, their place is not.
    InputStream in = ShardRecords.checking(records(0, 2), new ShardLayout(4, 2, 100, 1200),
        1, 3, "shard");
    OstoreException e = assertThrows(OstoreException.class, () -> in.readNBytes(100));
    assertTrue(e.getMessage().startsWith("block 1 of shard fails"), e.getMessage());
  }

  @Test
  void recordsEndingEarlyAreAnError() {
    byte[] cut = Arrays.copyOf(records(0, 3).readAllBytes(), 150);
    InputStream in = ShardRecords.checking(new ByteArrayInputStream(cut), LAYOUT, 0, 3, "shard");
    assertThrows(IOException.class, in::readAllBytes);
  }

  /** Blocks {@code [from, to)} of {@link #SHARD} as a data server sends them with checksums. */
  private static ByteArrayInputStream records(long from, long to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long b = from; b < to; b++) {
      int offset = (int) (b * 100);
      int length = Math.min(100, SHARD.length - offset);
      out.write(SHARD, offset, length);
      out.writeBytes(ByteBuffer.allocate(4)
          .putInt(0, ShardRecords.crc(SHARD, offset, length, b)).array());
    }
    return new ByteArrayInputStream(out.toByteArray());
  }
}
