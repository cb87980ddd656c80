package dev.ostore.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PipedProducerTest {
  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void bytesFarMoreThanThePipeHoldsArriveInOrderAndEnd() throws IOException {
    byte[] bytes = TestData.randomBytes(1_000_000, 1);
    try (InputStream in = PipedProducer.start(executor, 4096, out -> {
      for (int at = 0; at < bytes.length; at += 1000) {
        out.write(bytes, at, 1000);
      }
    })) {
      assertArrayEquals(bytes, in.readAllBytes());
      assertEquals(-1, in.read());
    }
  }

  @Test
  void aFailureAfterSomeBytesFailsTheReaderNeverEndsItsStream() throws IOException {
    IOException cause = new IOException("block 7 is corrupt");
    try (InputStream in = PipedProducer.start(executor, 64 * 1024, out -> {
      out.write(new byte[10_000]);
      throw cause;
    })) {
      IOException e = assertThrows(IOException.class, in::readAllBytes);
      assertSame(cause, e.getCause(), e.toString());
    }
  }

  @Test
  void aReaderClosingEarlyEndsTheProducer() throws Exception {
    CountDownLatch ended = new CountDownLatch(1);
    InputStream in = PipedProducer.start(executor, 4096, out -> {
      try {
        while (true) {
          out.write(new byte[1000]);
        }
      } finally {
        ended.countDown();
      }
    });
    in.readNBytes(5000);
    in.close();
    assertTrue(ended.await(5, TimeUnit.SECONDS), "the producer still writes");
  }

  @Test
  void anExecutorThatRefusesFailsTheStreamAndStillLetsTheProducerCleanUp() {
    CountDownLatch cleanedUp = new CountDownLatch(1);
    executor.shutdown();
    InputStream in = PipedProducer.start(executor, 4096, out -> {
      try {
        out.write(new byte[10]);
      } finally {
        cleanedUp.countDown();
      }
    });
    IOException e = assertThrows(IOException.class, in::read);
    assertSame(RejectedExecutionException.class, e.getCause().getClass(), e.toString());
    assertEquals(0, cleanedUp.getCount());
  }
}
