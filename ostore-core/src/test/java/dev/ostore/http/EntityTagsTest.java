package dev.ostore.http;

import static dev.ostore.Precondition.ifMatch;
import static dev.ostore.Precondition.ifNoneMatch;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.Precondition;
import dev.ostore.Precondition.Tags;
import dev.ostore.ServerAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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

  private final HttpClient client = HttpClient.newBuilder()
      .proxy(HttpClient.Builder.NO_PROXY).version(HttpClient.Version.HTTP_1_1).build();
  private HttpService server;
  /** What the endpoint last read. */
  private Precondition read;

  @BeforeEach
  void start() throws Exception {
    server = HttpService.start("entity-tags-test", new ServerAddress("127.0.0.1", 0),
        Routes.builder()
            .add("PUT", "/write", exchange -> {
              read = EntityTags.precondition(exchange);
              exchange.respondText(200, "read");
            })
            .add("GET", "/names", exchange -> exchange.respondText(200,
                EntityTags.names(exchange, EntityTags.IF_MATCH, TAG_A) + " "
                    + EntityTags.names(exchange, EntityTags.IF_NONE_MATCH, TAG_A)))
            .build(),
        HttpService.Settings.DEFAULT);
  }

  @AfterEach
  void stop() {
    server.close();
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
    assertEquals(new Precondition(Optional.of(Tags.of(A)), Optional.of(Tags.of(B))),
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
    for (String value : new String[] {"abc", TAG_A + ", abc", "\"unclosed", "W/abc", ", ,"}) {
      HttpResponse<String> answer = put("If-Match", value);
      assertEquals(400, answer.statusCode(), value);
      assertTrue(answer.body().contains("If-Match header"), answer.body());
    }
  }

  private Precondition written(String... headers) throws Exception {
    read = null;
    assertEquals(200, put(headers).statusCode());
    return read;
  }

  private HttpResponse<String> put(String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri("/write"))
        .PUT(HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String names(String... headers) throws Exception {
    return client.send(HttpRequest.newBuilder(uri("/names")).headers(headers).build(),
        HttpResponse.BodyHandlers.ofString()).body().strip();
  }

  private URI uri(String path) {
    return URI.create(server.address().baseUri() + path);
  }
}
