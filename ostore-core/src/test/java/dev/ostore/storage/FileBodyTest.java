package dev.ostore.storage;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.nio.file.ExtendedOpenOption;
import dev.ostore.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FileBody}: the file it writes holds exactly the bytes given, buffered or direct. */
class FileBodyTest {
  /** A shard record's length: writes that never fall on an aligned edge. */
  private static final int RECORD = 64 * 1024 + 4;

  @TempDir
  Path root;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, RECORD, (int) FileBody.DIRECT_AFTER - 68,
      (int) FileBody.DIRECT_AFTER - 67, 3 * FileBody.DIRECT_WRITE, 5 * RECORD * 7 + 12_345})
  void holdsTheBytesWrittenAfterTheRoomLeftWhetherDirectOrNot(int length) throws IOException {
    byte[] bytes = TestData.randomBytes(length, length);
    // The room before the start is the caller's to fill, and stays a hole when nothing follows.
    byte[] expected = new byte[length == 0 ? 0 : 68 + length];
    System.arraycopy(bytes, 0, expected, expected.length - length, length);
    for (boolean directAllowed : new boolean[] {true, false}) {
      Path file = root.resolve(length + "-" + directAllowed);
      try (FileChannel channel = FileChannel.open(file, CREATE_NEW, READ, WRITE)) {
        try (FileBody body = new FileBody(file, channel, 68, directAllowed)) {
          for (int at = 0; at < length; at += RECORD) {
            body.write(ByteBuffer.wrap(bytes, at, Math.min(RECORD, length - at)));
          }
          body.finish();
          assertEquals(68 + length, body.position());
          long lastWriteAt = 68 + (length == 0 ? 0 : (length - 1) / RECORD * RECORD);
          boolean goesDirect =
              directAllowed && lastWriteAt >= FileBody.DIRECT_AFTER && takesDirect(root);
          assertEquals(goesDirect, body.direct(), "past the first MiB where the disk takes it");
        }
      }
      assertArrayEquals(expected, Files.readAllBytes(file), file.toString());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4095, 4096, 4097})
  void aBodyThatStartsDirectAtAnUnalignedPositionKeepsTheBytesBeforeIt(int start)
      throws IOException {
    byte[] first = TestData.randomBytes((int) FileBody.DIRECT_AFTER + start, 1);
    byte[] second = TestData.randomBytes(3 * RECORD, 2);
    Path file = root.resolve("file");
    try (FileChannel channel = FileChannel.open(file, CREATE_NEW, READ, WRITE);
        FileBody body = new FileBody(file, channel, 0, true)) {
      body.write(ByteBuffer.wrap(first));
      body.write(ByteBuffer.wrap(second));
      body.finish();
    }
    byte[] stored = Files.readAllBytes(file);
    assertArrayEquals(first, Arrays.copyOf(stored, first.length));
    assertArrayEquals(second, Arrays.copyOfRange(stored, first.length, stored.length));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aBodyNotFinishedIsNoLongerThanWhatWasWritten(boolean directAllowed) throws IOException {
    Path file = root.resolve("file");
    byte[] bytes = TestData.randomBytes(3 * FileBody.DIRECT_WRITE, 3);
    long written;
    try (FileChannel channel = FileChannel.open(file, CREATE_NEW, READ, WRITE);
        FileBody body = new FileBody(file, channel, 0, directAllowed)) {
      for (int at = 0; at < bytes.length - 10; at += RECORD) {
        body.write(ByteBuffer.wrap(bytes, at, Math.min(RECORD, bytes.length - 10 - at)));
      }
      written = body.written();
      assertEquals(bytes.length - 10, body.position());
    }
    // What a cut upload leaves: never bytes that were not written, whatever is still held.
    byte[] stored = Files.readAllBytes(file);
    assertArrayEquals(Arrays.copyOf(bytes, stored.length), stored);
    assertFalse(stored.length > bytes.length - 10);
    // And at least what it said was written, which is short of the bytes held when direct.
    assertTrue(stored.length >= written, stored.length + " bytes, " + written + " written");
    assertEquals(directAllowed && takesDirect(root), written < bytes.length - 10);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aRecordIsTheBlocksBytesThenTheirChecksumWithTheBlocksNumber(boolean directAllowed)
      throws IOException {
    int block = RECORD - 4;
    byte[] source = TestData.randomBytes(40 * block, 4); // past the first MiB, and two more
    Path file = root.resolve("records");
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (FileChannel channel = FileChannel.open(file, CREATE_NEW, READ, WRITE);
        FileBody body = new FileBody(file, channel, 68, directAllowed)) {
      // Blocks from an offset within the caller's array, the last one short.
      for (int number = 0, at = 7; at < source.length; number++, at += block) {
        int length = Math.min(block, source.length - at);
        body.writeRecord(source, at, length, 1_000 + number);
        expected.write(source, at, length);
        CRC32C crc = new CRC32C();
        crc.update(source, at, length);
        crc.update(ByteBuffer.allocate(Long.BYTES).putLong(1_000 + number).array());
        expected.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
      }
      body.finish();
    }
    byte[] stored = Files.readAllBytes(file);
    assertArrayEquals(expected.toByteArray(), Arrays.copyOfRange(stored, 68, stored.length));
  }

  /** Whether the file system under {@code root} takes direct writes (tmpfs does not). */
  static boolean takesDirect(Path root) {
    Path probe = root.resolve("probe");
    try (FileChannel channel = FileChannel.open(probe, CREATE_NEW, WRITE,
        ExtendedOpenOption.DIRECT)) {
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException e) {
        // the temporary directory goes anyway
      }
    }
  }
}
