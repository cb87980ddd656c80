package dev.ostore.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The registry, read back through the strict {@link PrometheusText} parser. */
class MetricsTest {
  final Metrics metrics = Metrics.create();

  @Test
  void countersAndGaugesReadBackAsRecorded() {
    Labelled<Counter> requests = metrics.counters("requests_total", "Requests.", "status");
    AtomicInteger live = new AtomicInteger(3);
    metrics.gauge("live", "Live servers.", live::get);
    requests.labels("200").add(5);
    requests.labels("404").increment();
    live.set(2);

    Map<String, PrometheusText.Family> families = PrometheusText.parse(metrics.scrape());
    assertEquals("counter", families.get("requests_total").type());
    assertEquals("Requests.", families.get("requests_total").help());
    assertEquals(5, PrometheusText.sum(families, "requests_total", Map.of("status", "200")));
    assertEquals(1, PrometheusText.sum(families, "requests_total", Map.of("status", "404")));
    assertEquals("gauge", families.get("live").type());
    assertEquals(2, PrometheusText.sum(families, "live", Map.of()), "read at the scrape");
  }

  @Test
  void labelledCountersAndGaugesKeptElsewhereAreReadAtEachScrape() {
    AtomicLong hits = new AtomicLong(7);
    Map<String, LongSupplier> counts = new LinkedHashMap<>();
    counts.put("small", hits::get);
    counts.put("names", () -> 2);
    metrics.counters("hits_total", "Hits.", "cache", counts);
    metrics.gauges("entries", "Entries.", "cache", Map.of("small", () -> 1.5));
    counts.put("added_after", () -> 9); // registered already: not scraped

    Map<String, PrometheusText.Family> first = PrometheusText.parse(metrics.scrape());
    hits.set(11);
    Map<String, PrometheusText.Family> second = PrometheusText.parse(metrics.scrape());
    assertEquals("counter", first.get("hits_total").type());
    assertEquals(List.of("small", "names"), first.get("hits_total").samples().stream()
        .map(sample -> sample.labels().get("cache")).toList());
    assertEquals(7, PrometheusText.sum(first, "hits_total", Map.of("cache", "small")));
    assertEquals(11, PrometheusText.sum(second, "hits_total", Map.of("cache", "small")));
    assertEquals(2, PrometheusText.sum(second, "hits_total", Map.of("cache", "names")));
    assertEquals("gauge", second.get("entries").type());
    assertEquals(1.5, PrometheusText.sum(second, "entries", Map.of("cache", "small")));
    assertThrows(IllegalArgumentException.class,
        () -> metrics.gauges("entries", "Again.", "cache", Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> metrics.counters("other_total", "Bad label.", "le-bad", Map.of()));
  }

  @Test
  void labelValuesAndHelpTextRoundTripThroughEscaping() {
    String odd = "back\\slash \"quoted\"\nnext line, {braces} = é";
    metrics.counters("odd_total", "Help with \\ and\na second line.", "value")
        .labels(odd).increment();
    PrometheusText.Family family = PrometheusText.parse(metrics.scrape()).get("odd_total");
    assertEquals("Help with \\ and\na second line.", family.help());
    assertEquals(odd, family.samples().get(0).labels().get("value"));
  }

  @Test
  void aHistogramCountsEachObservationInTheFirstBucketItFitsCumulatively() {
    Histogram h = metrics.histograms("took_seconds", "Durations.", new double[] {0.1, 1, 10},
        "endpoint").labels("/objects/{name}");
    for (double v : new double[] {0.05, 0.1, 0.5, 1, 2, 20, 30}) {
      h.observe(v);
    }
    Map<String, PrometheusText.Family> families = PrometheusText.parse(metrics.scrape());
    List<Double> buckets = new ArrayList<>();
    List<String> bounds = new ArrayList<>();
    for (PrometheusText.Sample s : families.get("took_seconds").samples()) {
      if (s.name().equals("took_seconds_bucket")) {
        buckets.add(s.value());
        bounds.add(s.labels().get("le"));
      }
    }
    // A value equal to a bound is in that bound's bucket ("less or equal").
    assertEquals(List.of(2.0, 4.0, 5.0, 7.0), buckets);
    assertEquals(List.of("0.1", "1", "10", "+Inf"), bounds);
    assertEquals(7, PrometheusText.sum(families, "took_seconds_count", Map.of()));
    assertEquals(53.65, PrometheusText.sum(families, "took_seconds_sum", Map.of()), 1e-9);
  }

  @Test
  void countsFromManyThreadsAddUp() throws Exception {
    Labelled<Counter> counters = metrics.counters("hits_total", "Hits.", "thread");
    Histogram h = metrics.histograms("h", "H.", new double[] {1}).labels();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 50_000; i++) {
          counters.labels("shared").increment();
          h.observe(i % 2);
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    Map<String, PrometheusText.Family> families = PrometheusText.parse(metrics.scrape());
    assertEquals(200_000, PrometheusText.sum(families, "hits_total", Map.of()));
    assertEquals(200_000, PrometheusText.sum(families, "h_count", Map.of()));
    assertEquals(100_000, PrometheusText.sum(families, "h_sum", Map.of()));
  }

  @Test
  void misuseIsRefusedSayingWhat() {
    metrics.counter("taken_total", "Taken.");
    metrics.histograms("latency", "L.", new double[] {1});
    assertMessage("bad metric name: 1st", () -> metrics.counter("1st", "x"));
    assertMessage("registered twice", () -> metrics.counter("taken_total", "again"));
    assertMessage("clashing", () -> metrics.gauge("latency_count", "x", () -> 1));
    assertMessage("bad label name: __reserved",
        () -> metrics.counters("a_total", "x", "__reserved"));
    assertMessage("label named le", () -> metrics.histograms("b", "x", new double[] {1}, "le"));
    assertMessage("bucket bounds must increase",
        () -> metrics.histograms("c", "x", new double[] {2, 1}));
    assertMessage("2 label values given for the labels [status]",
        () -> metrics.counters("d_total", "x", "status").labels("a", "b"));
    assertMessage("cannot go down", () -> metrics.counter("e_total", "x").add(-1));
  }

  private static void assertMessage(String part, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }
}
