package dev.ostore.http;

import static dev.ostore.Precondition.ifMatch;
import static dev.ostore.Precondition.ifNoneMatch;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.Precondition;
import dev.ostore.Precondition.Tags;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link EntityTags}: the lists of {@code If-Match} and {@code If-None-Match} as sent. */
class EntityTagsTest {
  private static final ContentHash A = ContentHash.sha256("a".getBytes(UTF_8));
  private static final ContentHash B = ContentHash.sha256("b".getBytes(UTF_8));
  private static final String TAG_A = DigestHeaders.etag(A);

  private HeaderProbe probe;

  @BeforeEach
  void start() throws Exception {
    probe = new HeaderProbe(exchange -> exchange.respondText(200,
        EntityTags.names(exchange, EntityTags.IF_MATCH, TAG_A) + " "
            + EntityTags.names(exchange, EntityTags.IF_NONE_MATCH, TAG_A)));
  }

  @AfterEach
  void stop() {
    probe.close();
  }

  @Test
  void aWriteWithoutEitherHeaderAsksNothing() throws Exception {
    assertEquals(Precondition.NONE, written());
  }

  @Test
  void aTagNamesItsContentWhetherIdentityOrGzipAndStarNamesAny() throws Exception {
    assertEquals(ifMatch(Tags.ANY), written("If-Match", "*"));
    assertEquals(ifNoneMatch(Tags.ANY), written("If-None-Match", " * "));
    assertEquals(ifMatch(Tags.of(A, B)),
        written("If-Match", TAG_A + ", " + DigestHeaders.gzipEtag(B)));
    assertEquals(
        new Precondition(Optional.of(Tags.of(A)), Optional.of(Tags.of(B)), Optional.empty()),
        written("If-Match", TAG_A, "If-None-Match", DigestHeaders.etag(B)));
  }

  @Test
  void severalFieldsAreOneList() throws Exception {
    assertEquals(ifMatch(Tags.of(A, B)),
        written("If-Match", TAG_A, "If-Match", DigestHeaders.etag(B)));
  }

  /** If-Match compares strongly, If-None-Match weakly (RFC 9110, section 8.8.3.2). */
  @Test
  void aWeakTagNamesNothingInIfMatchAndItsContentInIfNoneMatch() throws Exception {
    assertEquals(ifMatch(Tags.of()), written("If-Match", "W/" + TAG_A));
    assertEquals(ifNoneMatch(Tags.of(A)), written("If-None-Match", "W/" + TAG_A));
    assertEquals("false true", names("If-Match", "W/" + TAG_A, "If-None-Match", "W/" + TAG_A));
    assertEquals("true true", names("If-Match", "\"x\", " + TAG_A, "If-None-Match", "*"));
    assertEquals("false false", names("If-Match", "\"x\"", "If-None-Match", "\"x\""));
  }

  /** A read is safe: a malformed list names nothing, a 200 or a 412, never a 400. */
  @Test
  void aMalformedListNamesNothingOnARead() throws Exception {
    assertEquals("false false", names("If-Match", TAG_A + ", abc", "If-None-Match", "abc"));
  }

  @Test
  void aTagOfNoContentOfOursNamesNone() throws Exception {
    assertEquals(ifMatch(Tags.of()), written("If-Match", "\"v1\", \"" + A.hex() + "\""));
    assertEquals(ifMatch(Tags.of(A)), written("If-Match", "\"a,b\", " + TAG_A));
  }

  /** Taken for no condition, a malformed list would let through the write it was to stop. */
  @Test
  void aMalformedListOfAWriteIsABadRequestNamingTheHeader() throws Exception {
    for (String value : new String[] {"abc", TAG_A + ", abc", "\"unclosed", "W/abc", ", ,",
        "\"a\" \"b\"", "\"a\"\"b\"", TAG_A + "W/\"b\""}) {
      HttpResponse<String> answer = probe.write("If-Match", value);
      assertEquals(400, answer.statusCode(), value);
      assertTrue(answer.body().contains("If-Match header"), answer.body());
    }
    assertEquals(ifMatch(Tags.of(A, B)), written("If-Match",
        " ," + TAG_A + " ,\t," + DigestHeaders.etag(B) + ", "), "empty elements are allowed");
  }

  private Precondition written(String... headers) throws Exception {
    return probe.written(headers);
  }

  private String names(String... headers) throws Exception {
    return probe.read(headers).body().strip();
  }
}
