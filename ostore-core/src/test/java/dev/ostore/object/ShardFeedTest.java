package dev.ostore.object;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ServerAddress;
import dev.ostore.TestData;
import dev.ostore.erasure.Striping;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ShardFeed}: batches of a shard's chunks in order, and every failure handed on. */
class ShardFeedTest {
  private static final Striping STRIPING = new Striping(4, 2, 1024);
  private static final ServerAddress SERVER = ServerAddress.parse("127.0.0.1:1");
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final BlockingQueue<ShardFeed.Item> out = new LinkedBlockingQueue<>();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void aShardsChunksComeInBatchesInOrder() throws Exception {
    // Six stripes of 4 KiB: chunks of 1 KiB, in a batch of four and one of two.
    long size = 6 * STRIPING.stripeSize();
    byte[] shard = TestData.randomBytes(6 * 1024, 1);
    try (ShardFeed feed = ShardFeed.start(0, SERVER, new ByteArrayInputStream(shard), STRIPING,
        size, 0, 6, out, executor)) {
      ShardFeed.Item first = next();
      assertEquals(0, first.stripe());
      assertEquals(4, first.count());
      assertArrayEquals(Arrays.copyOfRange(shard, 0, 4096),
          Arrays.copyOf(first.chunks(), 4096));
      feed.consumed();
      ShardFeed.Item second = next();
      assertEquals(4, second.stripe());
      assertEquals(2, second.count());
      assertArrayEquals(Arrays.copyOfRange(shard, 4096, 6144),
          Arrays.copyOf(second.chunks(), 2048));
    }
  }

  /**
   * A feed whose stream fails in a way no reader expects (out of memory, say) still hands the
   * reader an item: the reader waits for one from each feed, and would wait forever.
   */
  @Test
  void aFeedThatDiesOfAnUncheckedFailureHandsItOnAsAnItem() throws Exception {
    InputStream failing = new InputStream() {
      @Override
      public int read() {
        throw new OutOfMemoryError("Cannot reserve 2572288 bytes of direct buffer memory");
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return read();
      }
    };
    try (ShardFeed feed = ShardFeed.start(3, SERVER, failing, STRIPING,
        STRIPING.stripeSize(), 0, 1, out, executor)) {
      ShardFeed.Item item = next();
      assertNotNull(item.failure());
      assertEquals(3, item.feed().index);
      assertTrue(item.failure().getMessage().contains("reading shard 3 failed: "
          + "java.lang.OutOfMemoryError: Cannot reserve"), item.failure().getMessage());
    }
  }

  private ShardFeed.Item next() throws InterruptedException {
    ShardFeed.Item item = out.poll(10, TimeUnit.SECONDS);
    assertNotNull(item, "no item from the feed");
    return item;
  }
}
