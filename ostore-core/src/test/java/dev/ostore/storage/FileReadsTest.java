package dev.ostore.storage;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ostore.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileReads}: direct or not, a read brings the file's bytes, and -1 at its end. */
class FileReadsTest {
  private static final int PIECE = 8 * (64 * 1024 + 4);
  /** Long enough for direct reads, and not a whole number of aligned blocks. */
  private static final int LENGTH = (int) FileReads.DIRECT_FROM + 3 * (1 << 20) + 12_345;

  @TempDir
  Path root;

  @Test
  void readsBringTheFileBytesAtAnyPositionDirectOrNot() throws IOException {
    byte[] bytes = TestData.randomBytes(LENGTH, 7);
    Path file = Files.write(root.resolve("file"), bytes);
    try (FileChannel channel = FileChannel.open(file, READ)) {
      for (long asked : new long[] {FileReads.DIRECT_FROM - 1, LENGTH}) {
        try (FileReads reads = FileReads.forRead(channel, file, asked, PIECE)) {
          // Front to back in pieces, as a copy reads; then back, across and past the end.
          for (int at = 68; at < LENGTH; at += PIECE) {
            assertArrayEquals(expected(bytes, at, PIECE), readFully(reads, at, PIECE));
          }
          for (int at : new int[] {0, 1, 4095, 4096, LENGTH - PIECE, LENGTH - 5, 70_000}) {
            assertArrayEquals(expected(bytes, at, PIECE), readFully(reads, at, PIECE));
          }
          assertEquals(-1, reads.read(ByteBuffer.allocate(10), LENGTH));
          assertEquals(-1, reads.read(ByteBuffer.allocate(10), LENGTH + 5000));
        }
      }
    }
  }

  private static byte[] expected(byte[] bytes, int at, int length) {
    return Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + length));
  }

  /** Reads up to {@code length} bytes at {@code at}: fewer only at the end of the file. */
  private static byte[] readFully(FileReads reads, long at, int length) throws IOException {
    ByteBuffer into = ByteBuffer.allocate(length);
    while (into.hasRemaining()) {
      int n = reads.read(into, at + into.position());
      if (n < 0) {
        break;
      }
    }
    return Arrays.copyOf(into.array(), into.position());
  }
}
