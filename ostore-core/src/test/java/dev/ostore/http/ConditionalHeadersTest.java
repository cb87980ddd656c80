package dev.ostore.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.Precondition;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ConditionalHeaders}: a read's conditions evaluated in RFC 9110's order against one
 * representation, and a write's date read strictly.
 */
class ConditionalHeadersTest {
  private static final String TAG = DigestHeaders.etag(ContentHash.sha256("a".getBytes(UTF_8)));
  private static final Instant WRITTEN = Instant.parse("2026-12-05T10:00:00.700Z");
  private static final String SAME_SECOND = "Sat, 05 Dec 2026 10:00:00 GMT";
  private static final String SECOND_BEFORE = "Sat, 05 Dec 2026 09:59:59 GMT";

  private HeaderProbe probe;

  @BeforeEach
  void start() throws Exception {
    probe = new HeaderProbe(exchange -> {
      if (ConditionalHeaders.notModified(exchange, () -> "the thing", TAG, WRITTEN)) {
        exchange.respond(304, 0);
      } else {
        exchange.respondText(200, "sent");
      }
    });
  }

  @AfterEach
  void stop() {
    probe.close();
  }

  @Test
  void ifModifiedSinceIsNotModifiedFromTheSecondOfTheWriteOn() throws Exception {
    assertEquals(304, get("If-Modified-Since", SAME_SECOND).statusCode());
    assertEquals(304, get("If-Modified-Since", "Sun, 06 Dec 2026 00:00:00 GMT").statusCode());
    assertEquals(200, get("If-Modified-Since", SECOND_BEFORE).statusCode());
    assertEquals(200, get().statusCode());
  }

  /** A read is safe: a date that is none, or two of them, asks nothing. */
  @Test
  void aMalformedDateOfAReadAsksNothing() throws Exception {
    assertEquals(200, get("If-Modified-Since", "yesterday").statusCode());
    assertEquals(200, get("If-Modified-Since", SAME_SECOND, "If-Modified-Since", SAME_SECOND)
        .statusCode());
    assertEquals(200, get("If-Unmodified-Since", "yesterday").statusCode());
  }

  @Test
  void ifUnmodifiedSinceAnEarlierSecondIsAPreconditionFailed() throws Exception {
    HttpResponse<String> refused = get("If-Unmodified-Since", SECOND_BEFORE);
    assertEquals(412, refused.statusCode());
    assertEquals("the thing was last modified " + SAME_SECOND + ", after If-Unmodified-Since: "
        + SECOND_BEFORE, refused.body().strip());
    assertEquals(200, get("If-Unmodified-Since", SAME_SECOND).statusCode());
  }

  /** RFC 9110, section 13.2.2: an entity tag, when sent, decides instead of a date. */
  @Test
  void aTagDecidesInsteadOfItsDate() throws Exception {
    assertEquals(200, get("If-Match", TAG, "If-Unmodified-Since", SECOND_BEFORE).statusCode());
    assertEquals(412, get("If-Match", "\"x\"", "If-Unmodified-Since", SAME_SECOND).statusCode());
    assertEquals(200, get("If-None-Match", "\"x\"", "If-Modified-Since", SAME_SECOND)
        .statusCode());
    assertEquals(304, get("If-None-Match", TAG, "If-Modified-Since", SECOND_BEFORE)
        .statusCode());
  }

  @Test
  void aWriteReadsItsDateInAnyOfTheThreeForms() throws Exception {
    Instant second = Instant.parse("2026-12-05T10:00:00Z");
    assertEquals(Precondition.ifUnmodifiedSince(second),
        written("If-Unmodified-Since", SAME_SECOND));
    assertEquals(Precondition.ifUnmodifiedSince(second),
        written("If-Unmodified-Since", "Saturday, 05-Dec-26 10:00:00 GMT"));
    assertEquals(Precondition.NONE, written());
  }

  /** Taken for no condition, a malformed date would let through the write it was to stop. */
  @Test
  void aMalformedDateOfAWriteIsABadRequestNamingTheHeader() throws Exception {
    for (String[] headers : new String[][] {{"If-Unmodified-Since", "yesterday"},
        {"If-Unmodified-Since", SAME_SECOND, "If-Unmodified-Since", SAME_SECOND}}) {
      HttpResponse<String> answer = probe.write(headers);
      assertEquals(400, answer.statusCode(), String.join(" ", headers));
      assertTrue(answer.body().startsWith("malformed If-Unmodified-Since header: "),
          answer.body());
      assertTrue(answer.body().contains("(one HTTP date, such as Thu, 01 Jan 1970 00:00:00 GMT)"),
          answer.body());
    }
  }

  private Precondition written(String... headers) throws Exception {
    return probe.written(headers);
  }

  private HttpResponse<String> get(String... headers) throws Exception {
    return probe.read(headers);
  }
}
