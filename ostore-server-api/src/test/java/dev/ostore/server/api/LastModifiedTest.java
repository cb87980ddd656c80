package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.Json;
import dev.ostore.http.HttpDates;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When each version was written: {@code Created} in listings, {@code Last-Modified} on reads, and
 * the date conditions {@code If-Modified-Since} and {@code If-Unmodified-Since} against it.
 */
@Timeout(120)
class LastModifiedTest extends ClusterTest {
  @Test
  void aVersionIsListedWithWhenItWasWrittenAndReadWithItsSecond() throws Exception {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String put = http.put("/objects/doc", "one").body().strip();
    http.put("/objects/doc", "two");
    Instant after = Instant.now();
    List<String> lines = http.get("/versions/doc").body().lines().toList();
    assertEquals(put, lines.get(0), "a PUT answers the line its listing holds");
    List<Instant> created = lines.stream()
        .map(line -> Instant.parse((String) Json.parseObject(line).get("Created"))).toList();
    assertTrue(!created.get(0).isBefore(before) && !created.get(1).isBefore(created.get(0))
        && !created.get(1).isAfter(after), before + " " + created + " " + after);
    assertEquals(HttpDates.format(created.get(1)), lastModified(http.get("/objects/doc")));
    assertEquals(HttpDates.format(created.get(0)),
        lastModified(http.head("/objects/doc?version=1")));
    assertTrue(http.get("/versions/doc").body().matches("(?s)(\\{\"Name\":\"doc\",\"Version\":\\d,"
        + "\"Size\":3,\"Hash\":\"[^\"]+\",\"Created\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"
        + "\\.\\d{3}Z\"}\n){2}"));
  }

  @Test
  void aReadModifiedSinceADateIsA304WithItsHeaders() throws Exception {
    http.put("/objects/doc", "content");
    String lastModified = lastModified(http.get("/objects/doc"));
    HttpResponse<String> unchanged = http.send(HttpRequest.newBuilder(http.uri("/objects/doc"))
        .header("If-Modified-Since", lastModified));
    assertEquals(304, unchanged.statusCode());
    assertEquals(lastModified, lastModified(unchanged));
    assertEquals(Optional.empty(), unchanged.headers().firstValue("Content-Length"),
        "a cache that takes a 304's headers must not take a length of 0");
    assertEquals(Optional.empty(), unchanged.headers().firstValue("Transfer-Encoding"));
    assertTrue(unchanged.headers().firstValue("ETag").isPresent());
    assertEquals(200, http.head("/objects/doc", "If-Modified-Since", secondBefore(lastModified))
        .statusCode());
    assertEquals("content", http.send(HttpRequest.newBuilder(http.uri("/objects/doc"))
        .header("If-Modified-Since", "not a date")).body(), "a read is safe");
  }

  @Test
  void aWriteUnmodifiedSinceAnEarlierSecondIsRefusedAndWritesNothing() throws Exception {
    http.put("/objects/doc", "one");
    String lastModified = lastModified(http.head("/objects/doc"));
    HttpResponse<String> refused = write("PUT", "two", "If-Unmodified-Since",
        secondBefore(lastModified));
    assertEquals(412, refused.statusCode());
    assertTrue(refused.body().startsWith("object doc is at version 1 (ETag "), refused.body());
    assertTrue(refused.body().contains(", after the If-Unmodified-Since date "), refused.body());
    assertEquals(412, write("DELETE", "", "If-Unmodified-Since", secondBefore(lastModified))
        .statusCode());
    assertEquals("one", http.get("/objects/doc").body());
    assertEquals(412, http.head("/objects/doc", "If-Unmodified-Since", secondBefore(lastModified))
        .statusCode());
    assertEquals(200, write("PUT", "two", "If-Unmodified-Since", lastModified).statusCode());
    assertEquals("two", http.get("/objects/doc").body());
    HttpResponse<String> malformed = write("DELETE", "", "If-Unmodified-Since", "yesterday");
    assertEquals(400, malformed.statusCode());
    assertEquals(200, http.get("/objects/doc").statusCode(), "a malformed date deletes nothing");
  }

  private HttpResponse<String> write(String method, String body, String... headers)
      throws Exception {
    return http.send(HttpRequest.newBuilder(http.uri("/objects/doc")).headers(headers)
        .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body)));
  }

  private static String lastModified(HttpResponse<String> answer) {
    return answer.headers().firstValue("Last-Modified").orElseThrow();
  }

  private static String secondBefore(String date) {
    return HttpDates.format(HttpDates.parse(date).orElseThrow().minusSeconds(1));
  }
}
