package dev.ostore.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.TestData;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackgroundDigestTest {
  final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void bytesHandedOverInBuffersOrCopiedHashInTheOrderTheyCame() throws IOException {
    // As an upload's body is read: each piece read into the buffer the last hand-over returned.
    byte[] stream = TestData.randomBytes(64 * 1024 * 40 + 1_234, 3);
    MessageDigest digest = ContentHash.newDigest();
    digest.update(stream, 0, 1_000); // hashed before the task takes over
    BackgroundDigest background = BackgroundDigest.start(digest, executor);
    byte[] buffer = new byte[64 * 1024];
    int at = 1_000;
    for (int piece = 0; at < stream.length; piece++) {
      if (piece % 3 == 0) { // a writer that keeps its buffer, in writes of another size
        int n = Math.min(10_007, stream.length - at);
        background.update(stream, at, n);
        at += n;
      } else {
        int n = Math.min(buffer.length, stream.length - at);
        System.arraycopy(stream, at, buffer, 0, n);
        buffer = background.take(buffer, n);
        assertEquals(64 * 1024, buffer.length);
        at += n;
      }
    }
    assertEquals(ContentHash.sha256(stream), ContentHash.of(background.digest()));
  }

  @Test
  void closedBeforeTheEndItsTaskStopsAndItsDigestIsNotGiven() throws Exception {
    BackgroundDigest background = BackgroundDigest.start(ContentHash.newDigest(), executor);
    background.take(new byte[100], 100);
    background.close();
    background.close();
    executor.shutdown();
    assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS), "the task still runs");
    assertThrows(IOException.class, background::digest);
  }
}
