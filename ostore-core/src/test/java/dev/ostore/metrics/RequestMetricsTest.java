package dev.ostore.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ostore.http.RequestObserver;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What one answered request adds to each metric, timed by a fake clock. */
class RequestMetricsTest {
  final Metrics metrics = Metrics.create();
  final AtomicLong now = new AtomicLong(5_000_000_000L);
  final RequestMetrics requests = new RequestMetrics(metrics, now::get);

  @Test
  void aRequestAddsItsCountBytesAndDuration() {
    requests.answered("/objects/{name}", "PUT", 200, 1000, 40, now.get() - 3_000_000);
    requests.answered("/objects/{name}", "PUT", 200, 500, 40, now.get() - 200_000_000);
    requests.answered("/objects/{name}", "PUT", 503, 0, 20, now.get());
    Map<String, PrometheusText.Family> families = PrometheusText.parse(metrics.scrape());
    Map<String, String> put = Map.of("endpoint", "/objects/{name}", "method", "PUT");
    assertEquals(2, PrometheusText.sum(families, "ostore_http_requests_total",
        Map.of("endpoint", "/objects/{name}", "status", "200")));
    assertEquals(1, PrometheusText.sum(families, "ostore_http_requests_total",
        Map.of("status", "503")));
    assertEquals(1500, PrometheusText.sum(families, "ostore_http_received_bytes_total", put));
    assertEquals(100, PrometheusText.sum(families, "ostore_http_sent_bytes_total", put));
    assertEquals(0.203, PrometheusText.sum(families, "ostore_http_request_duration_seconds_sum",
        put), 1e-9);
    assertEquals(2, PrometheusText.sum(families, "ostore_http_request_duration_seconds_bucket",
        Map.of("le", "0.005")), "the 503 (0 s) and the 3 ms request");
  }

  @Test
  void anAbortedAnswerAndAnOddStatusHaveTheirOwnLabels() {
    requests.answered("/objects/{name}", "GET", RequestObserver.ABORTED, 0, 10, now.get());
    requests.answered("/objects/{name}", "GET", 799, 0, 0, now.get());
    Map<String, PrometheusText.Family> families = PrometheusText.parse(metrics.scrape());
    assertEquals(1, PrometheusText.sum(families, "ostore_http_requests_total",
        Map.of("status", "aborted")));
    assertEquals(1, PrometheusText.sum(families, "ostore_http_requests_total",
        Map.of("status", "799")));
  }
}
