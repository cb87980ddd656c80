package dev.ostore.server.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.metrics.PrometheusText;
import dev.ostore.metrics.PrometheusText.Family;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /metrics} of a running store, read with a strict parser of the text format after
 * real traffic: every request counted under its route's pattern, bodies counted to the byte.
 */
@Timeout(60)
class MetricsEndpointTest extends ClusterTest {
  static final String OBJECT = "/objects/{name}";

  /**
   * A fresh api server holds neither the small content nor the name: its first GET reads both,
   * from the database, and the next ones are answered from memory.
   */
  @Test
  void cachesCountTheReadsTheyAnswerAndThoseTheyCouldNot() throws Exception {
    byte[] small = random(4096, 3);
    assertEquals(200, http.put("/objects/small", small).statusCode());
    assertEquals(200, http.put("/objects/big", random(70_000, 4)).statusCode());
    restart();
    Map<String, Family> before = scrape(http);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(small, http.getBytes("/objects/small").body());
      http.getBytes("/objects/big");
    }
    Map<String, Family> after = scrape(http);
    assertEquals(0, cache(before, "ostore_cache_hits_total", "small_contents"));
    assertEquals(0, cache(before, "ostore_cache_entries", "small_contents"));
    assertEquals(2, cache(after, "ostore_cache_hits_total", "small_contents"));
    assertEquals(1, cache(after, "ostore_cache_misses_total", "small_contents"),
        "content above the limit is not the cache's to count");
    assertEquals(1, cache(after, "ostore_cache_entries", "small_contents"));
    assertEquals(2, cache(after, "ostore_cache_misses_total", "latest_versions"));
    assertEquals(2, cache(after, "ostore_cache_entries", "latest_versions"));
    assertTrue(cache(after, "ostore_cache_hits_total", "latest_versions") >= 4,
        "the second and third GET of each name, at least");
  }

  static double cache(Map<String, Family> metrics, String name, String cache) {
    return PrometheusText.sum(metrics, name, Map.of("cache", cache));
  }

  @Test
  void everyRequestIsCountedByRouteMethodAndStatusWithItsBodyBytes() throws Exception {
    byte[] first = random(70_000, 1);
    byte[] second = random(30_000, 2);
    assertEquals(200, http.put("/objects/first", first).statusCode());
    assertEquals(200, http.put("/objects/second%20one", second).statusCode());
    long sentByGets = 0;
    for (String path : new String[] {"/objects/first", "/objects/first", "/objects/second%20one",
        "/objects/missing"}) {
      sentByGets += http.getBytes(path).body().length;
    }
    assertEquals(404, http.get("/no/such/endpoint").statusCode());
    assertEquals(405, http.method("DELETE", "/metrics").statusCode());
    assertEquals(400, http.get("/metrics?verbose=1").statusCode());
    String refused = http.exchangeRaw("PUT /objects/x HTTP/1.1\r\nHost: t\r\n"
        + "Content-Length: ten\r\nConnection: close\r\n\r\n");
    assertTrue(refused.startsWith("HTTP/1.1 400"), refused);

    Map<String, Family> metrics = scrape(http);
    assertEquals(2, requests(metrics, OBJECT, "PUT", "200"));
    assertEquals(3, requests(metrics, OBJECT, "GET", "200"));
    assertEquals(1, requests(metrics, OBJECT, "GET", "404"));
    assertEquals(1, requests(metrics, "none", "GET", "404"), "unknown paths: one label value");
    assertEquals(1, requests(metrics, "/metrics", "DELETE", "405"));
    assertEquals(1, requests(metrics, "/metrics", "GET", "400"));
    assertEquals(1, requests(metrics, "refused", "PUT", "400"));
    assertEquals(first.length + second.length, bytes(metrics, "received", OBJECT, "PUT"));
    assertEquals(sentByGets, bytes(metrics, "sent", OBJECT, "GET"));
    assertEquals(4, PrometheusText.sum(metrics, "ostore_http_request_duration_seconds_count",
        Map.of("endpoint", OBJECT, "method", "GET")));
    assertTrue(metrics.get("ostore_http_requests_total").samples().stream()
        .noneMatch(s -> s.labels().get("endpoint").contains("first")), "no raw path is a label");
    assertEquals(3, PrometheusText.sum(metrics, "ostore_live_data_servers", Map.of()));
    assertEquals(1, PrometheusText.sum(metrics, "ostore_metadata_reachable", Map.of()));
    assertEquals(0, PrometheusText.sum(metrics, "ostore_bus_reconnects_total", Map.of()));
    assertTrue(PrometheusText.sum(metrics, "ostore_uptime_seconds", Map.of()) >= 0);
  }

  @Test
  void theOneCommandStoreIsReadyOnceStarted() throws Exception {
    HttpResponse<String> health = http.get("/health");
    assertEquals(200, health.statusCode());
    assertEquals("ready\n", health.body());
  }

  @Test
  void aScrapeCountsTheScrapesBeforeIt() throws Exception {
    scrape(http);
    scrape(http);
    assertEquals(2, requests(scrape(http), "/metrics", "GET", "200"));
  }

  @Test
  void eachDataServerServesItsRequestsAndItsDiskSpaceButNotTheCallsOfItsOwnProcess()
      throws Exception {
    http.put("/objects/spread", random(10_000, 3));
    for (var address : cluster.dataServerAddresses()) {
      Http data = new Http(address.baseUri());
      scrape(data);
      Map<String, Family> metrics = scrape(data);
      assertTrue(PrometheusText.sum(metrics, "ostore_storage_free_bytes", Map.of()) > 0);
      assertTrue(PrometheusText.sum(metrics, "ostore_storage_used_bytes", Map.of()) > 0);
      assertEquals(1, requests(metrics, "/metrics", "GET", "200"), "the scrape before");
      // The one-process store's api server stores the copies of small content by calling the
      // data servers' stores: no request.
      assertEquals(0, PrometheusText.sum(metrics, "ostore_http_requests_total",
          Map.of("endpoint", "/shards/{id}")));
    }
  }

  static Map<String, Family> scrape(Http http) throws Exception {
    HttpResponse<String> got = http.get("/metrics");
    assertEquals(200, got.statusCode(), got.body());
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        got.headers().firstValue("Content-Type").orElseThrow());
    Map<String, Family> families = PrometheusText.parse(got.body());
    families.values().forEach(f -> assertTrue(!f.help().isEmpty(), f.name() + " has no HELP"));
    return families;
  }

  private static double requests(Map<String, Family> metrics, String endpoint, String method,
      String status) {
    return PrometheusText.sum(metrics, "ostore_http_requests_total",
        Map.of("endpoint", endpoint, "method", method, "status", status));
  }

  private static double bytes(Map<String, Family> metrics, String way, String endpoint,
      String method) {
    return PrometheusText.sum(metrics, "ostore_http_" + way + "_bytes_total",
        Map.of("endpoint", endpoint, "method", method));
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
