package dev.ostore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DirectBuffersTest {
  static final int ALIGN = 4096;
  static final int SIZE = 64 * ALIGN;
  /** What one buffer of {@link #SIZE} may count against a budget. */
  static final long ONE = SIZE + 2L * ALIGN;

  @Test
  void lendsAlignedBuffersOutsideTheHeapUpToItsBudget() {
    DirectBuffers buffers = DirectBuffers.upTo(3 * ONE);
    for (int i = 0; i < 3; i++) {
      ByteBuffer buffer = buffers.take(SIZE, ALIGN).orElseThrow();
      assertTrue(buffer.isDirect());
      assertEquals(0, buffer.alignmentOffset(0, ALIGN));
      assertEquals(0, buffer.position());
      assertEquals(SIZE, buffer.limit());
    }
    assertEquals(Optional.empty(), buffers.take(SIZE, ALIGN));
    assertTrue(buffers.held() <= 3 * ONE);
  }

  @Test
  void aBufferGivenBackIsLentAgainWholeAndNotAllocatedAnew() {
    DirectBuffers buffers = DirectBuffers.upTo(ONE);
    ByteBuffer first = buffers.take(SIZE, ALIGN).orElseThrow();
    first.position(100).limit(200);
    buffers.give(first);
    ByteBuffer again = buffers.take(SIZE - ALIGN, ALIGN).orElseThrow();
    assertSame(first, again);
    assertEquals(0, again.position());
    assertEquals(SIZE - ALIGN, again.limit());
  }

  @Test
  void aBufferDiscardedCountsNoMoreAndIsNotLentAgain() {
    DirectBuffers buffers = DirectBuffers.upTo(ONE);
    ByteBuffer first = buffers.take(SIZE, ALIGN).orElseThrow();
    assertEquals(Optional.empty(), buffers.take(SIZE, ALIGN));
    buffers.discard(first);
    assertEquals(0, buffers.held());
    assertNotSame(first, buffers.take(SIZE, ALIGN).orElseThrow());
  }

  @Test
  void aBufferCountsWhatItCostWhenLentAgainForAnotherAlignmentAndIsTakenBackOnce() {
    DirectBuffers buffers = DirectBuffers.upTo(ONE);
    ByteBuffer window = buffers.take(SIZE, ALIGN).orElseThrow();
    long cost = buffers.held();
    buffers.give(window);
    for (int i = 0; i < 3; i++) {
      ByteBuffer body = buffers.take(SIZE / 2, 1).orElseThrow();
      assertSame(window, body);
      buffers.give(body);
      assertEquals(cost, buffers.held());
    }
    assertThrows(IllegalArgumentException.class, () -> buffers.give(window), "given back twice");
    ByteBuffer again = buffers.take(SIZE, ALIGN).orElseThrow();
    buffers.discard(again);
    assertEquals(0, buffers.held());
    assertThrows(IllegalArgumentException.class, () -> buffers.discard(again));
  }

  @Test
  void buffersKeptOfAnotherSizeMakeRoomForANewOne() {
    DirectBuffers buffers = DirectBuffers.upTo(2 * ONE);
    ByteBuffer small = buffers.take(SIZE / 2, ALIGN).orElseThrow();
    buffers.give(small);
    ByteBuffer big = buffers.take(2 * SIZE, ALIGN).orElseThrow();
    assertNotSame(small, big);
    assertTrue(buffers.held() <= 2 * ONE, "the small one was let go: " + buffers.held());
  }

  @Test
  void beyondTheFewKeptBuffersGivenBackAreLetGoAndCountNoMore() {
    int lent = DirectBuffers.KEPT + 3;
    DirectBuffers buffers = DirectBuffers.upTo(lent * ONE);
    List<ByteBuffer> taken = new ArrayList<>();
    for (int i = 0; i < lent; i++) {
      taken.add(buffers.take(SIZE, ALIGN).orElseThrow());
    }
    assertTrue(buffers.held() > lent * (long) SIZE);
    taken.forEach(buffer -> buffers.give(buffer));
    assertTrue(buffers.held() > DirectBuffers.KEPT * (long) SIZE, "kept: " + buffers.held());
    assertTrue(buffers.held() <= DirectBuffers.KEPT * ONE, "let go: " + buffers.held());
  }
}
