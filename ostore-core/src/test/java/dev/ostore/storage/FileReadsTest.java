package dev.ostore.storage;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.DirectBuffers;
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

  /** Room for the buffers of this many direct reads, each with one window read ahead. */
  private static DirectBuffers buffersFor(int reads) {
    return DirectBuffers.upTo(reads * 2L * (3 << 20));
  }

  @Test
  void viewsHoldTheFileBytesAtAnyPositionDirectOrNot() throws IOException {
    viewsHoldTheFileBytes(threads, buffersFor(1));
  }

  @Test
  void viewsHoldTheFileBytesWhenEveryReadAheadIsRefused() throws IOException {
    viewsHoldTheFileBytes(task -> {
      throw new RejectedExecutionException("busy");
    }, buffersFor(1));
  }

  @Test
  void viewsHoldTheFileBytesWhenReadAheadRunsAtOnce() throws IOException {
    viewsHoldTheFileBytes(Runnable::run, buffersFor(1));
  }

  @Test
  void viewsHoldTheFileBytesWhenNoBufferIsLentOrNoneToReadAheadInto() throws IOException {
    viewsHoldTheFileBytes(threads, DirectBuffers.upTo(0));
    viewsHoldTheFileBytes(threads, DirectBuffers.upTo(3 << 20));
  }

  @Test
  void aLongReadDoneGivesItsBuffersBackForTheNextToReadDirectAndAhead() throws IOException {
    byte[] bytes = TestData.randomBytes(LENGTH, 9);
    Path file = Files.write(root.resolve("file"), bytes);
    DirectBuffers buffers = buffersFor(1);
    AtomicInteger readsAhead = new AtomicInteger();
    Executor counting = task -> {
      readsAhead.incrementAndGet();
      task.run();
    };
    try (FileChannel channel = FileChannel.open(file, READ)) {
      for (int read = 1; read <= 3; read++) {
        try (FileReads reads = FileReads.forRead(channel, file, 0, LENGTH, PIECE, counting,
            buffers)) {
          readWhole(reads, bytes);
          reads.done();
        }
        assertEquals(read * 3, readsAhead.get(), "read " + read + " read ahead as the first");
      }
      // Two reads at once: the room of one read and its window ahead holds a window of each.
      try (FileReads first = FileReads.forRead(channel, file, 0, LENGTH, PIECE, counting,
              buffers);
          FileReads second = FileReads.forRead(channel, file, 0, LENGTH, PIECE, counting,
              buffers)) {
        readWhole(first, bytes);
        readWhole(second, bytes);
        first.done();
        second.done();
      }
      assertEquals(9, readsAhead.get(), "neither had room to read ahead");
      try (FileReads reads = FileReads.forRead(channel, file, 0, LENGTH, PIECE, counting,
          buffers)) {
        readWhole(reads, bytes);
        reads.done();
      }
      assertEquals(12, readsAhead.get(), "both gave their buffers back");
      assertTrue(buffers.held() > 0, "kept for the next read");
    }
  }

  /**
   * A close without {@link FileReads#done} (from another thread, as when a reader is abandoned)
   * lets the buffers go rather than lend them again, and the reader reads the disk no more.
   */
  @Test
  void aLongReadClosedFromAnotherThreadLetsItsBuffersGoAndReadsNoMore() throws Exception {
    byte[] bytes = TestData.randomBytes(LENGTH, 10);
    Path file = Files.write(root.resolve("file"), bytes);
    DirectBuffers buffers = buffersFor(1);
    try (FileChannel channel = FileChannel.open(file, READ)) {
      FileReads reads = FileReads.forRead(channel, file, 0, LENGTH, PIECE, threads, buffers);
      assertArrayEquals(expected(bytes, 0, PIECE), view(reads, 0, PIECE));
      threads.submit(() -> {
        reads.close();
        return null;
      }).get();
      assertEquals(0, buffers.held());
      assertThrows(IOException.class, () -> reads.view(LENGTH - PIECE, PIECE));
      reads.done(); // too late: nothing goes back
      assertEquals(0, buffers.held());
    }
  }

  private static void readWhole(FileReads reads, byte[] bytes) throws IOException {
    for (int at = 0; at < LENGTH; at += PIECE) {
      assertArrayEquals(expected(bytes, at, PIECE), view(reads, at, PIECE));
    }
  }

  private void viewsHoldTheFileBytes(Executor ahead, DirectBuffers buffers) throws IOException {
    byte[] bytes = TestData.randomBytes(LENGTH, 7);
    Path file = Files.write(root.resolve("file"), bytes);
    try (FileChannel channel = FileChannel.open(file, READ)) {
      for (long asked : new long[] {FileReads.DIRECT_FROM - 1, LENGTH}) {
        try (FileReads reads = FileReads.forRead(channel, file, 68, asked, PIECE, ahead,
            buffers)) {
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
