package dev.ostore.metrics;

import dev.ostore.http.RequestObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * Counts the requests a server answered by endpoint, method and status, the body bytes they
 * read and sent, and how long they took, from when the server began to read each to when its
 * answer was complete.
 */
final class RequestMetrics implements RequestObserver {
  /** Seconds: a cached GET takes a millisecond, a large upload a minute. */
  static final double[] LATENCY_BOUNDS =
      {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
  /** Status labels made once, not per request. */
  private static final String[] STATUS = new String[600];

  static {
    STATUS[ABORTED] = "aborted";
    for (int status = 100; status < STATUS.length; status++) {
      STATUS[status] = Integer.toString(status);
    }
  }

  private final LongSupplier nanoTime;
  private final Labelled<Counter> requests;
  private final Labelled<Counter> received;
  private final Labelled<Counter> sent;
  private final Labelled<Histogram> latency;
  /**
   * Each endpoint's and method's series, found by two lookups of strings whose hashes are
   * cached, rather than four lookups of label lists made per request: nothing is allocated once
   * a series exists (RequestMetricsBenchmark measures the difference).
   */
  private final Map<String, Map<String, Series>> byEndpoint = new ConcurrentHashMap<>();

  /** The series of one endpoint and method; its status counters are found as they come. */
  private final class Series {
    final Counter received;
    final Counter sent;
    final Histogram latency;
    final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(STATUS.length);
    final String endpoint;
    final String method;

    Series(String endpoint, String method) {
      this.endpoint = endpoint;
      this.method = method;
      received = RequestMetrics.this.received.labels(endpoint, method);
      sent = RequestMetrics.this.sent.labels(endpoint, method);
      latency = RequestMetrics.this.latency.labels(endpoint, method);
    }

    Counter requests(int status) {
      if (status < 0 || status >= STATUS.length || STATUS[status] == null) {
        return RequestMetrics.this.requests.labels(endpoint, method, Integer.toString(status));
      }
      Counter counter = byStatus.get(status);
      if (counter == null) {
        // The registry hands every caller the same counter: a race here only looks it up twice.
        counter = RequestMetrics.this.requests.labels(endpoint, method, STATUS[status]);
        byStatus.set(status, counter);
      }
      return counter;
    }
  }

  RequestMetrics(Metrics metrics, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    requests = metrics.counters("ostore_http_requests_total",
        "HTTP requests answered, by route pattern, method and status (aborted: cut off).",
        "endpoint", "method", "status");
    received = metrics.counters("ostore_http_received_bytes_total",
        "Request body bytes read, by route pattern and method.", "endpoint", "method");
    sent = metrics.counters("ostore_http_sent_bytes_total",
        "Response body bytes sent, by route pattern and method.", "endpoint", "method");
    latency = metrics.histograms("ostore_http_request_duration_seconds",
        "Time from reading a request to completing its answer, by route pattern and method.",
        LATENCY_BOUNDS, "endpoint", "method");
  }

  @Override
  public void answered(String endpoint, String method, int status, long bytesIn, long bytesOut,
      long beganNanos) {
    long took = nanoTime.getAsLong() - beganNanos;
    Series series = byEndpoint.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>())
        .computeIfAbsent(method, m -> new Series(endpoint, m));
    series.requests(status).increment();
    series.received.add(bytesIn);
    series.sent.add(bytesOut);
    series.latency.observe(Math.max(0, took) / 1e9);
  }
}
