package dev.ostore.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WarmupTest {
  @Test
  void aNumberIsThatManyOperations() {
    assertEquals(new Warmup(500, Optional.empty()), Warmup.parse("500", 20_000));
    assertEquals(new Warmup(0, Optional.empty()), Warmup.parse("0", 20_000));
  }

  @Test
  void aTimeRunsAtMostCountOperationsForThatLong() {
    assertEquals(new Warmup(20_000, Optional.of(Duration.ofSeconds(5))),
        Warmup.parse("5s", 20_000));
    assertEquals(new Warmup(3, Optional.of(Duration.ofMillis(800))), Warmup.parse("800ms", 3));
    assertEquals(new Warmup(3, Optional.of(Duration.ofMinutes(2))), Warmup.parse("2m", 3));
  }

  @Test
  void noTimeAtAllIsNoWarmupAsZeroIs() {
    assertEquals(Warmup.parse("0", 10), Warmup.parse("0s", 10));
    assertEquals(Warmup.operations(0), Warmup.parse("0ms", 10));
  }

  @Test
  void anythingElseIsRefusedWithTheReason() {
    for (String bad : new String[] {"", "s", "five", "5d", "-1", "-2s", "1.5s", "PT-2S"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Warmup.parse(bad, 10), bad);
      assertTrue(e.getMessage().contains("warmup"), e.getMessage());
    }
  }
}
