package dev.ostore.server.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Versions of names: numbering, tombstones, old versions, listings and their paging. */
@Timeout(120)
class VersionsTest extends ClusterTest {
  @Test
  void aDeleteAddsATombstoneAndOldVersionsStayReadable() throws Exception {
    http.put("/objects/doc", "one");
    http.put("/objects/doc", "two");
    HttpResponse<String> delete = http.method("DELETE", "/objects/doc");
    assertEquals(200, delete.statusCode());
    assertEquals("{\"Name\":\"doc\",\"Version\":3,\"Size\":0,\"Hash\":\"\"}",
        withoutCreated(delete.body().strip()));
    HttpResponse<String> gone = http.get("/objects/doc");
    assertEquals(404, gone.statusCode());
    assertEquals("object doc was deleted at version 3\n", gone.body());
    HttpResponse<String> head = http.head("/objects/doc");
    assertEquals(404, head.statusCode());
    assertEquals(Optional.of("object doc was deleted at version 3"),
        head.headers().firstValue("Error-Message"));
    HttpResponse<String> located = http.get("/locate/doc");
    assertEquals(404, located.statusCode());
    assertEquals("object doc was deleted at version 3\n", located.body());
    assertEquals(404, http.get("/objects/doc?version=3").statusCode());
    assertEquals("one", http.get("/objects/doc?version=1").body());
    assertEquals("two", http.get("/objects/doc?version=2").body());
    HttpResponse<String> again = http.method("DELETE", "/objects/doc");
    assertEquals(404, again.statusCode());
    assertEquals("object doc was deleted already, at version 3\n", again.body());
    assertEquals(404, http.method("DELETE", "/objects/never").statusCode());
    http.put("/objects/doc", "four");
    assertEquals("four", http.get("/objects/doc").body());
    assertEquals(4, lines(http.get("/versions/doc").body()).size());
  }

  @Test
  void unknownAndMalformedVersionsAreRefused() throws Exception {
    http.put("/objects/doc", "one");
    HttpResponse<String> unknown = http.get("/objects/doc?version=9");
    assertEquals(404, unknown.statusCode());
    assertEquals("object doc has no version 9\n", unknown.body());
    for (String bad : List.of("abc", "0", "-1", "1.5", "01", "",
        "9223372036854775808", "99999999999999999999")) {
      HttpResponse<String> got = http.get("/objects/doc?version=" + bad);
      assertEquals(400, got.statusCode(), bad);
      assertEquals("version must be a whole number from 1 to 9223372036854775807: " + bad
          + "\n", got.body());
    }
    for (String large : List.of("1000000000000000000", "9223372036854775807")) {
      assertEquals("object doc has no version " + large + "\n",
          http.get("/objects/doc?version=" + large).body());
      assertEquals("object doc has no version " + large + "\n",
          http.method("DELETE", "/objects/doc?version=" + large).body());
    }
  }

  @Test
  void versionsAreListedInTheReferenceShape() throws Exception {
    http.put("/objects/b", "bee");
    http.put("/objects/a", "ay");
    http.put("/objects/a", "ay again");
    http.method("DELETE", "/objects/b");
    HttpResponse<String> versions = http.get("/versions/a");
    assertEquals(200, versions.statusCode());
    assertEquals("application/x-ndjson",
        versions.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(List.of(
        "{\"Name\":\"a\",\"Version\":1,\"Size\":2,\"Hash\":\"" + base64("ay") + "\"}",
        "{\"Name\":\"a\",\"Version\":2,\"Size\":8,\"Hash\":\"" + base64("ay again") + "\"}"),
        lines(versions.body()).stream().map(VersionsTest::withoutCreated).toList());
    assertEquals(List.of("a 1", "a 2", "b 1", "b 2"), namesAndVersions(http.get("/versions/")));
    assertEquals(List.of("b 1", "b 2"), namesAndVersions(http.get("/versions/?prefix=b")));
    assertEquals(List.of("a 2"), namesAndVersions(http.get("/objects/")));
    assertEquals("", http.get("/versions/unknown").body());
  }

  @Test
  void listingsPageByCursorAndNeverStopShort() throws Exception {
    int count = 2_500;
    for (int i = 1; i <= count; i++) {
      assertEquals(200, http.put("/objects/many", "v" + i).statusCode());
    }
    assertEquals(count, lines(http.get("/versions/many").body()).size(), "whole listing");
    List<String> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    int pages = 0;
    do {
      HttpResponse<String> page = http.get("/versions/many?limit=100"
          + cursor.map(c -> "&cursor=" + java.net.URLEncoder.encode(c, UTF_8)).orElse(""));
      assertEquals(200, page.statusCode(), page.body());
      seen.addAll(namesAndVersions(page));
      cursor = page.headers().firstValue(VersionLines.NEXT_CURSOR);
      pages++;
    } while (cursor.isPresent());
    assertEquals(25, pages);
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      expected.add("many " + i);
    }
    assertEquals(expected, seen);
    assertEquals(400, http.get("/versions/many?limit=0").statusCode());
    assertEquals(400, http.get("/versions/many?limit=10001").statusCode());
    assertEquals(400, http.get("/versions/many?cursor=garbage").statusCode());
  }

  @Test
  void concurrentWritersOnOneNameGetEveryNumberOnce() throws Exception {
    ExecutorService writers = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        int writer = w;
        done.add(writers.submit(() -> {
          for (int i = 0; i < 25; i++) {
            HttpResponse<String> put = http.put("/objects/busy", writer + "-" + i);
            assertEquals(200, put.statusCode(), put.body());
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      writers.shutdownNow();
    }
    List<String> versions = namesAndVersions(http.get("/versions/busy"));
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      expected.add("busy " + i);
    }
    assertEquals(expected, versions);
  }

  static List<String> lines(String body) {
    return body.isEmpty() ? List.of() : List.of(body.split("\n"));
  }

  /** "name version" for each line of a listing. */
  static List<String> namesAndVersions(HttpResponse<String> listing) {
    return lines(listing.body()).stream()
        .map(line -> dev.ostore.Json.parseObject(line))
        .map(fields -> fields.get("Name") + " " + fields.get("Version"))
        .toList();
  }

  /** A version's line without its {@code Created} member, whose time a test cannot know. */
  static String withoutCreated(String line) {
    return line.replaceFirst(",\"Created\":\"[^\"]*\"}$", "}");
  }

  static String base64(String content) {
    return dev.ostore.ContentHash.sha256(content.getBytes(UTF_8)).base64();
  }
}
