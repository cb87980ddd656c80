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
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileReads}: direct or not, read ahead or not, a view holds the file's bytes, and none
 * past its end.
 */
class FileReadsTest {
  private static final int PIECE = 8 * (64 * 1024 + 4);
  /** Long enough for direct reads, and not a whole number of aligned blocks. */
  private static final int LENGTH = (int) FileReads.DIRECT_FROM + 3 * (1 << 20) + 12_345;

  @TempDir
  Path root;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void viewsHoldTheFileBytesAtAnyPositionDirectOrNot() throws IOException {
    viewsHoldTheFileBytes(threads);
  }

  @Test
  void viewsHoldTheFileBytesWhenEveryReadAheadIsRefused() throws IOException {
    viewsHoldTheFileBytes(task -> {
      throw new RejectedExecutionException("busy");
    });
  }

  @Test
  void viewsHoldTheFileBytesWhenReadAheadRunsAtOnce() throws IOException {
    viewsHoldTheFileBytes(Runnable::run);
  }

  @Test
  void aLongReadReadsAheadUpToItsEndAndNoFurther() throws IOException {
    byte[] bytes = TestData.randomBytes(LENGTH, 8);
    Path file = Files.write(root.resolve("file"), bytes);
    AtomicInteger readsAhead = new AtomicInteger();
    try (FileChannel channel = FileChannel.open(file, READ);
        FileReads reads = FileReads.forRead(channel, file, 0, FileReads.DIRECT_FROM, PIECE,
            task -> {
              readsAhead.incrementAndGet();
              task.run();
            })) {
      for (int at = 0; at < FileReads.DIRECT_FROM; at += PIECE) {
        assertArrayEquals(expected(bytes, at, PIECE), view(reads, at, PIECE));
      }
    }
    // The reader reads its first piece, then its first 2 MiB window; the next window is read
    // ahead and reaches past the 4 MiB asked for, so nothing more is read ahead.
    assertEquals(1, readsAhead.get());
  }

  private void viewsHoldTheFileBytes(Executor ahead) throws IOException {
    byte[] bytes = TestData.randomBytes(LENGTH, 7);
    Path file = Files.write(root.resolve("file"), bytes);
    try (FileChannel channel = FileChannel.open(file, READ)) {
      for (long asked : new long[] {FileReads.DIRECT_FROM - 1, LENGTH}) {
        try (FileReads reads = FileReads.forRead(channel, file, 68, asked, PIECE, ahead)) {
          // Front to back in pieces, as a copy reads; then back, across and past the end.
          for (int at = 68; at < LENGTH; at += PIECE) {
            assertArrayEquals(expected(bytes, at, PIECE), view(reads, at, PIECE));
          }
          for (int at : new int[] {0, 1, 4095, 4096, LENGTH - PIECE, LENGTH - 5, 70_000}) {
            assertArrayEquals(expected(bytes, at, PIECE), view(reads, at, PIECE));
          }
          assertEquals(0, reads.view(LENGTH, 10).remaining());
          assertEquals(0, reads.view(LENGTH + 5000, 10).remaining());
        }
      }
    }
  }

  private static byte[] expected(byte[] bytes, int at, int length) {
    return Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + length));
  }

  /** The bytes of a view of {@code length} at {@code at}, taken from its index 0 on. */
  private static byte[] view(FileReads reads, long at, int length) throws IOException {
    ByteBuffer view = reads.view(at, length);
    assertEquals(0, view.position());
    byte[] bytes = new byte[view.limit()];
    view.get(0, bytes);
    return bytes;
  }
}
