package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.TestData;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranged GETs (RFC 9110, section 14) through real processes: an api server and six data servers
 * over RabbitMQ. Every range is checked against the bytes that were sent, around chunk (64 KiB)
 * and stripe (256 KiB) edges, on a healthy cluster and with two data servers killed, of content
 * stored as it came (random bytes) and compressed (text), read whole too, identity and gzip.
 */
@Timeout(600)
class RangeRequestsTest {
  private static final int KIB = 1024;
  private static final int STRIPE = 256 * KIB;

  @TempDir
  static Path root;
  static ProcessCluster cluster;
  static Http http;
  /** Erasure-coded (4+2), a short last stripe; copied whole (1+2); and empty. */
  static final SeededObject LARGE = new SeededObject("ranges-large", 20L * STRIPE + 12_345, 500);
  static final SeededObject SMALL = new SeededObject("ranges-small", 4 * KIB + 5, 501);
  static final SeededObject EMPTY = new SeededObject("ranges-empty", 0, 502);
  static final Map<SeededObject, byte[]> BYTES = new LinkedHashMap<>();
  /** Stored compressed: 4+2 with an index, and one segment copied whole (1+2). */
  static final Map<String, byte[]> TEXT = Map.of(
      "ranges-json", TestData.jsonLines(20 * STRIPE + 12_345, 505),
      "ranges-logs", TestData.logLines(30 * KIB + 5, 506));

  @BeforeAll
  static void startClusterAndStore() throws Exception {
    cluster = ProcessCluster.start(root, ProcessCluster.Spec.sixDataServers("ranges"));
    http = cluster.http();
    for (SeededObject object : List.of(LARGE, SMALL, EMPTY)) {
      HttpResponse<String> put = http.put("/objects/" + object.name, object.size, object::stream);
      assertEquals(200, put.statusCode(), put.body());
      try (var in = object.stream()) {
        BYTES.put(object, in.readAllBytes());
      }
    }
    for (Map.Entry<String, byte[]> text : TEXT.entrySet()) {
      HttpResponse<String> put = http.put("/objects/" + text.getKey(), text.getValue());
      assertEquals(200, put.statusCode(), put.body());
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyFormOfRangeReadsItsBytesHealthyAndWithTwoDataServersKilled() throws Exception {
    assertEveryForm("healthy");
    cluster.killData(0);
    cluster.killData(3);
    cluster.awaitLive(Set.of(1, 2, 4, 5), Duration.ofSeconds(30));
    try {
      assertEveryForm("data servers 0 and 3 killed");
    } finally {
      cluster.startData(Set.of(0, 3));
      cluster.awaitLive(ProcessCluster.allData(6), Duration.ofSeconds(30));
    }
  }

  private static void assertEveryForm(String when) throws Exception {
    Map<String, byte[]> objects = new LinkedHashMap<>(TEXT);
    for (SeededObject object : List.of(LARGE, SMALL)) {
      objects.put(object.name, BYTES.get(object));
    }
    for (Map.Entry<String, byte[]> object : objects.entrySet()) {
      long size = object.getValue().length;
      long last = size - 1;
      long middle = size / 2;
      List<String> ranges = new ArrayList<>(List.of("0-0", "0-", last + "-", last + "-" + last,
          "-1", "-" + size, "-" + (size + 10), "0-" + (size + 1000), "100-", middle + "-"
          + (middle + 1023), "-" + (size - 7)));
      if (size > STRIPE) {
        for (long edge : new long[] {64 * KIB, STRIPE, 3L * STRIPE + 2 * 64 * KIB,
            20L * STRIPE}) {
          ranges.addAll(List.of((edge - 1) + "-" + edge, edge + "-" + (edge + 9),
              (edge - 10) + "-" + (edge - 1), (edge - 5) + "-" + (edge + STRIPE + 5)));
        }
      }
      for (String range : ranges) {
        assertRange(object.getKey(), object.getValue(), range, when);
      }
      assertWhole(object.getKey(), object.getValue(), when);
    }
  }

  /** GETs {@code spec} of the object {@code name} and checks the 206 against its bytes. */
  private static void assertRange(String name, byte[] bytes, String spec, String when)
      throws Exception {
    HttpResponse<byte[]> get = http.getBytes("/objects/" + name, "Range", "bytes=" + spec,
        "Accept-Encoding", "gzip");
    String what = name + " bytes=" + spec + ", " + when;
    assertEquals(206, get.statusCode(), what + ": " + new String(get.body(),
        StandardCharsets.UTF_8));
    long[] span = expected(spec, bytes.length);
    assertEquals("bytes " + span[0] + "-" + (span[1] - 1) + "/" + bytes.length,
        get.headers().firstValue("Content-Range").orElse(""), what);
    assertEquals(Optional.of("bytes"), get.headers().firstValue("Accept-Ranges"), what);
    assertEquals(Optional.empty(), get.headers().firstValue("Content-Encoding"), what);
    assertArrayEquals(Arrays.copyOfRange(bytes, (int) span[0], (int) span[1]), get.body(),
        what);
  }

  /** GETs all of the object {@code name}, identity and gzip (when stored compressed). */
  private static void assertWhole(String name, byte[] bytes, String when) throws Exception {
    assertArrayEquals(bytes, http.getBytes("/objects/" + name).body(), name + ", " + when);
    HttpResponse<byte[]> gzip = http.getBytes("/objects/" + name, "Accept-Encoding", "gzip");
    boolean compressed = TEXT.containsKey(name);
    assertEquals(compressed ? Optional.of("gzip") : Optional.empty(),
        gzip.headers().firstValue("Content-Encoding"), name + ", " + when);
    assertArrayEquals(bytes, compressed
        ? new GZIPInputStream(new ByteArrayInputStream(gzip.body())).readAllBytes()
        : gzip.body(), name + " gzip, " + when);
  }

  /** The bytes {@code [from, to)} a satisfiable single range names, worked out plainly. */
  private static long[] expected(String spec, long size) {
    String[] ends = spec.split("-", -1);
    if (ends[0].isEmpty()) {
      return new long[] {Math.max(0, size - Long.parseLong(ends[1])), size};
    }
    long to = ends[1].isEmpty() ? size : Math.min(size, Long.parseLong(ends[1]) + 1);
    return new long[] {Long.parseLong(ends[0]), to};
  }

  @Test
  void severalRangesComeAsMultipartByterangesInOrder() throws Exception {
    byte[] bytes = BYTES.get(LARGE);
    HttpResponse<byte[]> get = http.getBytes("/objects/" + LARGE.name, "Range",
        "bytes=-10, 0-9, 300000-300009, 5-20");
    assertEquals(206, get.statusCode());
    String type = get.headers().firstValue("Content-Type").orElse("");
    Matcher boundary = Pattern.compile("multipart/byteranges; boundary=(\\S+)").matcher(type);
    assertTrue(boundary.matches(), type);
    String body = new String(get.body(), StandardCharsets.ISO_8859_1);
    assertEquals(get.body().length, Long.parseLong(
        get.headers().firstValue("Content-Length").orElseThrow()));
    String[] parts = body.split("\r\n--" + Pattern.quote(boundary.group(1)));
    assertEquals("--" + boundary.group(1), parts[0].substring(0, parts[0].indexOf("\r\n")));
    parts[0] = parts[0].substring(parts[0].indexOf("\r\n") + 2);
    assertEquals("--\r\n", parts[parts.length - 1], "closing delimiter");
    long size = LARGE.size;
    long[][] spans = {{0, 21}, {300000, 300010}, {size - 10, size}}; // 0-9 and 5-20 merged
    assertEquals(spans.length + 1, parts.length, body.length() + " bytes: " + parts.length);
    for (int i = 0; i < spans.length; i++) {
      String part = i == 0 ? parts[0] : parts[i].substring(2);
      int headEnd = part.indexOf("\r\n\r\n");
      String head = part.substring(0, headEnd);
      assertTrue(head.contains("Content-Range: bytes " + spans[i][0] + "-" + (spans[i][1] - 1)
          + "/" + size), head);
      assertArrayEquals(Arrays.copyOfRange(bytes, (int) spans[i][0], (int) spans[i][1]),
          part.substring(headEnd + 4).getBytes(StandardCharsets.ISO_8859_1), "part " + i);
    }
  }

  @Test
  void rangesOfNoByteAre416WithTheSizeAndMalformedOnesAreIgnored() throws Exception {
    HttpResponse<byte[]> past = http.getBytes("/objects/" + SMALL.name, "Range",
        "bytes=" + SMALL.size + "-");
    assertEquals(416, past.statusCode());
    assertEquals(Optional.of("bytes */" + SMALL.size), past.headers().firstValue("Content-Range"));
    String message = new String(past.body(), StandardCharsets.UTF_8);
    assertTrue(message.endsWith("asks for none of them\n") && message.indexOf('\n')
        == message.length() - 1, message);

    for (String malformed : List.of("bytes=5-4", "bytes=x-", "lines=0-1", "bytes=0-1-2")) {
      HttpResponse<byte[]> whole = http.getBytes("/objects/" + SMALL.name, "Range", malformed);
      assertEquals(200, whole.statusCode(), malformed);
      assertArrayEquals(BYTES.get(SMALL), whole.body(), malformed);
    }

    HttpResponse<byte[]> empty = http.getBytes("/objects/" + EMPTY.name, "Range", "bytes=0-");
    assertEquals(416, empty.statusCode());
    assertEquals(Optional.of("bytes */0"), empty.headers().firstValue("Content-Range"));
    HttpResponse<byte[]> suffix = http.getBytes("/objects/" + EMPTY.name, "Range", "bytes=-5");
    assertEquals(200, suffix.statusCode(), "no byte to send, so the whole empty object");
    assertEquals(0, suffix.body().length);
  }

  @Test
  void ifRangeWithTheObjectsEntityTagGetsTheRangeAndAnythingElseTheWholeObject()
      throws Exception {
    String etag = http.head("/objects/" + SMALL.name).headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> same = http.getBytes("/objects/" + SMALL.name, "Range", "bytes=10-19",
        "If-Range", etag);
    assertEquals(206, same.statusCode());
    assertArrayEquals(Arrays.copyOfRange(BYTES.get(SMALL), 10, 20), same.body());
    for (String other : List.of("\"another\"", "W/" + etag,
        "Thu, 03 Dec 2026 10:00:00 GMT")) {
      HttpResponse<byte[]> whole = http.getBytes("/objects/" + SMALL.name, "Range",
          "bytes=10-19", "If-Range", other);
      assertEquals(200, whole.statusCode(), other);
      assertArrayEquals(BYTES.get(SMALL), whole.body(), other);
    }
  }

  @Test
  void aRangeOfAnOlderVersionIsOfThatVersionsBytes() throws Exception {
    SeededObject first = new SeededObject("ranges-versions", 100 * KIB, 503);
    SeededObject second = new SeededObject("ranges-versions", 90 * KIB, 504);
    assertEquals(200, http.put("/objects/" + first.name, first.size, first::stream).statusCode());
    assertEquals(200, http.put("/objects/" + second.name, second.size, second::stream)
        .statusCode());
    HttpResponse<byte[]> old = http.getBytes("/objects/ranges-versions?version=1", "Range",
        "bytes=95000-");
    assertEquals(206, old.statusCode());
    assertEquals(Optional.of("bytes 95000-102399/102400"),
        old.headers().firstValue("Content-Range"));
    try (var in = first.stream()) {
      assertArrayEquals(Arrays.copyOfRange(in.readAllBytes(), 95000, 102400), old.body());
    }
    assertEquals(416, http.getBytes("/objects/ranges-versions", "Range", "bytes=95000-")
        .statusCode(), "the latest version has 92160 bytes");
  }

  @Test
  void headSaysRangesAreAcceptedAndIgnoresARange() throws Exception {
    HttpResponse<String> head = http.head("/objects/" + LARGE.name, "Range", "bytes=0-9");
    assertEquals(200, head.statusCode());
    assertEquals(Optional.of("bytes"), head.headers().firstValue("Accept-Ranges"));
    assertEquals(Optional.of(Long.toString(LARGE.size)),
        head.headers().firstValue("Content-Length"));
  }
}
