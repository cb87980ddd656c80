package dev.ostore.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test parser refuses what the format forbids: a lenient one would prove nothing. */
class PrometheusTextTest {
  @Test
  void aWellFormedTextParses() {
    Map<String, PrometheusText.Family> families = PrometheusText.parse("""
        # HELP a_total Requests.
        # TYPE a_total counter
        a_total{x="1",y="q\\"uote"} 3
        # TYPE h histogram
        h_bucket{le="1"} 1
        h_bucket{le="+Inf"} 2
        h_sum 3.5
        h_count 2
        """);
    assertEquals(3, PrometheusText.sum(families, "a_total", Map.of("y", "q\"uote")));
    assertEquals(2, families.get("h").samples().size() - 2);
  }

  @Test
  void breachesOfTheFormatAreRefused() {
    assertRefused("a sample without a TYPE", "a 1\n");
    assertRefused("a second TYPE", "# TYPE a gauge\na 1\n# TYPE a gauge\n");
    assertRefused("not in one group",
        "# TYPE a gauge\n# TYPE b gauge\na{x=\"1\"} 1\nb 1\na{x=\"2\"} 1\n");
    assertRefused("a series given twice", "# TYPE a gauge\na 1\na 2\n");
    assertRefused("an unknown escape", "# TYPE a gauge\na{x=\"\\t\"} 1\n");
    assertRefused("not a float", "# TYPE a gauge\na one\n");
    assertRefused("does not end with a line feed", "# TYPE a gauge\na 1");
    assertRefused("not increasing and cumulative",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n");
    assertRefused("+Inf equal to _count",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 2\n");
    assertRefused("+Inf equal to _count",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n");
  }

  private static void assertRefused(String why, String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(text));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }
}
