package dev.ostore.stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BoundedPipeTest {
  /** Far below the one-second polling of java.io.PipedInputStream, far above a context switch. */
  private static final long PROMPT_MILLIS = 100;

  @Test
  void capacityMustBePositive() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BoundedPipe(0));
    assertEquals("capacity (0) must be positive", e.getMessage());
  }

  @Test
  void bytesArriveInOrderAcrossTheEndOfTheBuffer() throws IOException {
    BoundedPipe pipe = new BoundedPipe(5);
    OutputStream sink = pipe.sink();
    InputStream source = pipe.source();
    sink.write("abc".getBytes(UTF_8));
    assertEquals('a', source.read());
    assertArrayEquals("bc".getBytes(UTF_8), source.readNBytes(2));
    sink.write("defg".getBytes(UTF_8)); // Wraps around the end of the buffer.
    sink.write('h');
    assertEquals(5, source.available());
    sink.close();
    assertArrayEquals("defgh".getBytes(UTF_8), source.readAllBytes());
  }

  @Test
  void readOfNothingReturnsZeroAtOnce() throws IOException {
    BoundedPipe pipe = new BoundedPipe(4);
    assertEquals(0, pipe.source().read(new byte[4], 0, 0));
  }

  @Test
  void badOffsetsAreRefused() {
    BoundedPipe pipe = new BoundedPipe(4);
    assertThrows(IndexOutOfBoundsException.class, () -> pipe.sink().write(new byte[4], 2, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> pipe.source().read(new byte[4], -1, 1));
  }

  @Test
  void closingTheSinkGivesEndOfStreamAfterTheRemainingBytes() throws IOException {
    BoundedPipe pipe = new BoundedPipe(8);
    pipe.sink().write("xyz".getBytes(UTF_8));
    pipe.sink().close();
    byte[] buffer = new byte[8];
    assertEquals(3, pipe.source().read(buffer));
    assertArrayEquals("xyz".getBytes(UTF_8), java.util.Arrays.copyOf(buffer, 3));
    assertEquals(-1, pipe.source().read(buffer));
    assertEquals(-1, pipe.source().read());
  }

  @Test
  void writeAfterClosingTheSinkFails() throws IOException {
    BoundedPipe pipe = new BoundedPipe(8);
    pipe.sink().close();
    IOException e = assertThrows(IOException.class, () -> pipe.sink().write(1));
    assertEquals("pipe sink is closed", e.getMessage());
  }

  @Test
  void readAfterClosingTheSourceFails() throws IOException {
    BoundedPipe pipe = new BoundedPipe(8);
    pipe.sink().write(1);
    pipe.source().close();
    IOException e = assertThrows(IOException.class, () -> pipe.source().read());
    assertEquals("pipe source is closed", e.getMessage());
    IOException write = assertThrows(IOException.class, () -> pipe.sink().write(2));
    assertEquals("pipe reader has gone", write.getMessage());
  }

  @Test
  @Timeout(10)
  void writerBlocksWhenFullAndResumesWhenTheReaderReads() throws Exception {
    BoundedPipe pipe = new BoundedPipe(4);
    CountDownLatch filled = new CountDownLatch(1);
    Worker writer = Worker.start(() -> {
      pipe.sink().write("1234".getBytes(UTF_8));
      filled.countDown();
      pipe.sink().write("5678".getBytes(UTF_8)); // Blocks: the pipe is full.
    });
    assertTrue(filled.await(5, TimeUnit.SECONDS));
    writer.awaitWaiting();
    assertFalse(writer.done.isDone(), "the write into a full pipe returned");
    assertEquals(4, pipe.source().available(), "the pipe grew past its capacity");

    assertArrayEquals("12".getBytes(UTF_8), pipe.source().readNBytes(2));
    assertArrayEquals("3456".getBytes(UTF_8), pipe.source().readNBytes(4));
    writer.join();
    assertArrayEquals("78".getBytes(UTF_8), pipe.source().readNBytes(2));
  }

  @Test
  @Timeout(10)
  void readerWaitingOnAnEmptyPipeWakesPromptlyWhenDataArrives() throws Exception {
    BoundedPipe pipe = new BoundedPipe(4);
    Worker reader = Worker.start(() -> assertEquals('!', pipe.source().read()));
    reader.awaitWaiting();
    long start = System.nanoTime();
    pipe.sink().write('!');
    long woke = reader.join();
    assertPrompt(start, woke);
  }

  @Test
  @Timeout(10)
  void readerWaitingOnAnEmptyPipeWakesPromptlyWhenTheSinkCloses() throws Exception {
    BoundedPipe pipe = new BoundedPipe(4);
    Worker reader = Worker.start(() -> assertEquals(-1, pipe.source().read()));
    reader.awaitWaiting();
    long start = System.nanoTime();
    pipe.sink().close();
    assertPrompt(start, reader.join());
  }

  @Test
  @Timeout(10)
  void closingTheSourceWakesABlockedWriterPromptly() throws Exception {
    BoundedPipe pipe = new BoundedPipe(2);
    pipe.sink().write("ab".getBytes(UTF_8));
    Worker writer = Worker.start(() -> {
      IOException e = assertThrows(IOException.class, () -> pipe.sink().write('c'));
      assertEquals("pipe reader has gone", e.getMessage());
    });
    writer.awaitWaiting();
    long start = System.nanoTime();
    pipe.source().close();
    assertPrompt(start, writer.join());
  }

  @Test
  void failMakesTheNextReadThrowWithThatCause() throws IOException {
    BoundedPipe pipe = new BoundedPipe(8);
    pipe.sink().write("unread".getBytes(UTF_8));
    IllegalStateException cause = new IllegalStateException("server went away");
    pipe.fail(cause);
    IOException e = assertThrows(IOException.class, () -> pipe.source().read(new byte[8]));
    assertSame(cause, e.getCause());
    assertEquals("pipe broken: " + cause, e.getMessage());
    assertSame(cause, assertThrows(IOException.class, () -> pipe.source().read()).getCause());
  }

  @Test
  void failMakesTheNextWriteThrowWithThatCause() {
    BoundedPipe pipe = new BoundedPipe(8);
    IOException cause = new IOException("connection reset");
    pipe.fail(cause);
    IOException e = assertThrows(IOException.class, () -> pipe.sink().write(1));
    assertSame(cause, e.getCause());
    assertSame(cause, assertThrows(IOException.class,
        () -> pipe.sink().write(new byte[3], 0, 3)).getCause());
  }

  @Test
  void firstFailureIsTheOneReported() {
    BoundedPipe pipe = new BoundedPipe(8);
    IOException first = new IOException("first");
    pipe.fail(first);
    pipe.fail(new IOException("second"));
    assertSame(first, assertThrows(IOException.class, () -> pipe.source().read()).getCause());
  }

  @Test
  void failAfterTheSinkClosedStillBreaksTheReader() throws IOException {
    BoundedPipe pipe = new BoundedPipe(8);
    pipe.sink().write(1);
    pipe.sink().close();
    IOException cause = new IOException("checksum mismatch");
    pipe.fail(cause);
    assertSame(cause, assertThrows(IOException.class, () -> pipe.source().read()).getCause());
  }

  @Test
  @Timeout(10)
  void failWakesAWaitingReaderWithThatCause() throws Exception {
    BoundedPipe pipe = new BoundedPipe(4);
    IOException cause = new IOException("upload failed");
    Worker reader = Worker.start(() -> assertSame(cause,
        assertThrows(IOException.class, () -> pipe.source().read()).getCause()));
    reader.awaitWaiting();
    long start = System.nanoTime();
    pipe.fail(cause);
    assertPrompt(start, reader.join());
  }

  @Test
  @Timeout(10)
  void failWakesABlockedWriterWithThatCause() throws Exception {
    BoundedPipe pipe = new BoundedPipe(1);
    pipe.sink().write(0);
    IOException cause = new IOException("download failed");
    Worker writer = Worker.start(() -> assertSame(cause,
        assertThrows(IOException.class, () -> pipe.sink().write(1)).getCause()));
    writer.awaitWaiting();
    long start = System.nanoTime();
    pipe.fail(cause);
    assertPrompt(start, writer.join());
  }

  @Test
  @Timeout(10)
  void interruptedWaitingReaderGetsInterruptedIoExceptionAndKeepsItsFlag() throws Exception {
    BoundedPipe pipe = new BoundedPipe(4);
    Worker reader = Worker.start(() -> {
      assertThrows(InterruptedIOException.class, () -> pipe.source().read());
      assertTrue(Thread.currentThread().isInterrupted(), "interrupt flag lost");
    });
    reader.awaitWaiting();
    reader.thread.interrupt();
    reader.join();
  }

  @Test
  @Timeout(10)
  void interruptedBlockedWriterGetsInterruptedIoExceptionAndKeepsItsFlag() throws Exception {
    BoundedPipe pipe = new BoundedPipe(2);
    pipe.sink().write("ab".getBytes(UTF_8));
    Worker writer = Worker.start(() -> {
      assertThrows(InterruptedIOException.class, () -> pipe.sink().write('c'));
      assertTrue(Thread.currentThread().isInterrupted(), "interrupt flag lost");
    });
    writer.awaitWaiting();
    writer.thread.interrupt();
    writer.join();
    assertArrayEquals("ab".getBytes(UTF_8), pipe.source().readNBytes(2));
  }

  @Test
  @Timeout(10)
  void threadAlreadyInterruptedGetsInterruptedIoExceptionInsteadOfWaiting() throws Exception {
    BoundedPipe pipe = new BoundedPipe(2);
    Worker reader = Worker.start(() -> {
      Thread.currentThread().interrupt();
      assertThrows(InterruptedIOException.class, () -> pipe.source().read());
      assertTrue(Thread.currentThread().isInterrupted(), "interrupt flag lost");
    });
    reader.join();
  }

  @Test
  @Timeout(60)
  void largeDatasetArrivesIntactThroughASmallPipe() throws Exception {
    long total = 64L << 20;
    BoundedPipe pipe = new BoundedPipe(1000);
    CompletableFuture<byte[]> written = CompletableFuture.supplyAsync(() -> {
      try (OutputStream sink = pipe.sink()) {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random data = new Random(0);
        Random sizes = new Random(1);
        byte[] chunk = new byte[8192];
        for (long left = total; left > 0; ) {
          int n = (int) Math.min(left, 1 + sizes.nextInt(chunk.length));
          data.nextBytes(chunk);
          sink.write(chunk, 0, n);
          digest.update(chunk, 0, n);
          left -= n;
        }
        return digest.digest();
      } catch (Exception e) {
        pipe.fail(e);
        throw new RuntimeException(e);
      }
    }, runnable -> new Thread(runnable, "pipe-writer").start());

    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    Random sizes = new Random(2);
    byte[] buffer = new byte[3000];
    long read = 0;
    for (int n; (n = pipe.source().read(buffer, 0, 1 + sizes.nextInt(buffer.length))) != -1; ) {
      digest.update(buffer, 0, n);
      read += n;
    }
    assertEquals(total, read);
    assertArrayEquals(written.get(30, TimeUnit.SECONDS), digest.digest());
  }

  private static void assertPrompt(long startNanos, long wokeNanos) {
    long millis = TimeUnit.NANOSECONDS.toMillis(wokeNanos - startNanos);
    assertTrue(millis < PROMPT_MILLIS, "took " + millis + " ms to wake");
  }

  /** A body that may throw. */
  private interface Body {
    void run() throws Exception;
  }

  /** A thread running one body; {@link #join} gives when it finished and rethrows its failure. */
  private static final class Worker {
    final Thread thread;
    final CompletableFuture<Long> done = new CompletableFuture<>();

    private Worker(Body body) {
      thread = new Thread(() -> {
        try {
          body.run();
          done.complete(System.nanoTime());
        } catch (Throwable t) {
          done.completeExceptionally(t);
        }
      }, "pipe-test-worker");
      thread.setDaemon(true);
    }

    static Worker start(Body body) {
      Worker worker = new Worker(body);
      worker.thread.start();
      return worker;
    }

    /** Waits until the thread is parked, that is, waiting on the pipe. */
    void awaitWaiting() throws InterruptedException {
      while (thread.getState() != Thread.State.WAITING
          && thread.getState() != Thread.State.TIMED_WAITING) {
        assertFalse(done.isDone(), "finished instead of waiting");
        if (Thread.interrupted()) {
          throw new InterruptedException("gave up waiting for " + thread); // @Timeout expired.
        }
        Thread.onSpinWait();
      }
    }

    /** When the body finished, in {@link System#nanoTime()} terms. */
    long join() throws Exception {
      try {
        return done.get(5, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw assertInstanceOf(Exception.class, e.getCause());
      }
    }
  }
}
