package dev.ostore.object;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ErrorCode;
import dev.ostore.ObjectName;
import dev.ostore.OstoreException;
import dev.ostore.TestData;
import dev.ostore.compress.Compression;
import dev.ostore.metadata.Version;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TransferLimit}: slots taken and given back, a wait that ends in {@code BUSY}, and the
 * object store's transfers of content in shards holding slots while small ones hold none.
 */
@Timeout(60)
class TransferLimitTest {
  private static final Duration WAIT = Duration.ofMillis(100);

  @TempDir
  Path root;

  @Test
  void aTakePastTheMostWaitsThenIsBusyAndCountedRefused() throws IOException {
    TransferLimit limit = TransferLimit.of(2, WAIT);
    TransferLimit.Slot first = limit.take("a");
    TransferLimit.Slot second = limit.take("b");
    assertEquals(2, limit.running());
    long start = System.nanoTime();
    OstoreException busy = assertThrows(OstoreException.class, () -> limit.take("c"));
    assertTrue(System.nanoTime() - start >= WAIT.toNanos());
    assertEquals(ErrorCode.BUSY, busy.code());
    assertEquals("too many transfers in progress on this server (2, none ended within 100 ms)"
        + " to take c", busy.getMessage());
    assertEquals(1, limit.refused());
    first.close();
    first.close(); // once only: it does not give back the slot another holds
    assertEquals(1, limit.running());
    try (TransferLimit.Slot third = limit.take("c")) {
      assertEquals(2, limit.running());
      assertThrows(OstoreException.class, () -> limit.take("d"));
    }
    second.close();
    assertEquals(0, limit.running());
    assertEquals(2, limit.refused());
  }

  @Test
  void aTakeWaitingGetsTheSlotGivenBackMeanwhile() throws Exception {
    TransferLimit limit = TransferLimit.of(1, Duration.ofSeconds(30));
    TransferLimit.Slot held = limit.take("a");
    CompletableFuture<TransferLimit.Slot> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return limit.take("b");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(50);
    assertFalse(waiting.isDone());
    held.close();
    waiting.get(10, TimeUnit.SECONDS).close();
    assertEquals(0, limit.running());
    assertEquals(0, limit.refused());
  }

  @Test
  void theDefaultMostIsWhatHalfTheHeapHoldsAndAtLeastFour() {
    long expected = Math.max(4, Runtime.getRuntime().maxMemory() / 2
        / TransferLimit.BYTES_A_TRANSFER);
    assertEquals(Math.min(4096, expected), TransferLimit.defaultMost());
    assertThrows(IllegalArgumentException.class, () -> TransferLimit.of(0, WAIT));
    assertThrows(IllegalArgumentException.class,
        () -> TransferLimit.of(1, Duration.ofMillis(-1)));
  }

  /**
   * A GET of content in shards holds its slot until closed, and a PUT past the small-object
   * limit takes one before reading its body; small content, inline or in copies, takes none.
   */
  @Test
  void anObjectStoresTransfersInShardsHoldSlotsAndSmallOnesNone() throws IOException {
    TransferLimit limit = TransferLimit.of(1, WAIT);
    try (FakeStore store = new FakeStore(root)) {
      ObjectStore objects = store.objects(Layouts.DEFAULT, Compression.OFF, store.newLocator(),
          0, limit);
      byte[] big = TestData.randomBytes(300_000, 1);
      Version stored = put(objects, "big", big);
      assertEquals(0, limit.running());
      try (ObjectStore.Content open = objects.open(stored)) {
        assertEquals(1, limit.running());
        ObjectStore.Body unread = new ObjectStore.Body() {
          @Override
          public OptionalLong length() {
            return OptionalLong.of(big.length);
          }

          @Override
          public Optional<dev.ostore.ContentHash> declared() {
            return Optional.empty();
          }

          @Override
          public boolean mayStayUnsent() {
            return false;
          }

          @Override
          public long copyTo(OutputStream out) {
            throw new AssertionError("the body of a PUT refused as busy was read");
          }
        };
        OstoreException busy = assertThrows(OstoreException.class,
            () -> objects.put(ObjectName.of("other"), unread));
        assertEquals(ErrorCode.BUSY, busy.code());
        assertEquals(ErrorCode.BUSY,
            assertThrows(OstoreException.class, () -> objects.open(stored)).code());
        // Kept inline, and in three copies on the data servers: neither waits.
        for (int size : new int[] {3_000, 30_000}) {
          byte[] small = TestData.randomBytes(size, size);
          assertArrayEquals(small, read(objects, put(objects, "small-" + size, small)));
        }
      }
      assertEquals(0, limit.running());
      assertArrayEquals(big, read(objects, put(objects, "other", big)));
      assertEquals(0, limit.running());
      assertEquals(2, limit.refused());
    }
  }

  private static Version put(ObjectStore objects, String name, byte[] bytes) throws IOException {
    return objects.put(ObjectName.of(name), ObjectStore.Body.of(bytes, Optional.empty()));
  }

  private static byte[] read(ObjectStore objects, Version version) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectStore.Content content = objects.open(version)) {
      content.copyTo(out);
    }
    return out.toByteArray();
  }
}
