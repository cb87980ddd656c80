package dev.ostore.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
  @Test
  void aWholeNumberWithAUnitOrIso8601() {
    assertEquals(Duration.ofMillis(500), DurationText.parse("500ms"));
    assertEquals(Duration.ofSeconds(30), DurationText.parse(" 30s "));
    assertEquals(Duration.ofMinutes(2), DurationText.parse("2M"));
    assertEquals(Duration.ofHours(1), DurationText.parse("1h"));
    assertEquals(Duration.ofMillis(1500), DurationText.parse("PT1.5S"));
    assertEquals(Duration.ZERO, DurationText.parse("0s"));
  }

  @Test
  void anythingElseIsRefusedSayingWhatATimeLooksLike() {
    for (String bad : new String[] {"", "5", "s", "1.5s", "-2s", "5d", "PT", "soon"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> DurationText.parse(bad), bad);
      assertEquals("not a time: '" + bad + "' (use e.g. 500ms, 5s, 2m, 1h)", e.getMessage());
    }
  }
}
