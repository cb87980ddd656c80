package dev.ostore.client;

import static dev.ostore.client.OstoreClientTest.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.client.FakeOstoreServer.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Versions, deletion and listings against {@link FakeOstoreServer}: requests and paging. */
@Timeout(30)
class VersionsTest {
  private final FakeOstoreServer server = new FakeOstoreServer();
  private final OstoreClient client = OstoreClient.builder(server.uri()).pageSize(3).build();

  VersionsTest() throws IOException {}

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void eachPutIsTheNextVersionAndEachStaysReadable() throws Exception {
    for (int i = 1; i <= 3; i++) {
      assertEquals(i, client.put("doc", bytes("v" + i)).version());
    }
    assertEquals("v3", get("doc", 0));
    assertEquals("v1", get("doc", 1));
    assertEquals("v2", get("doc", 2));
    try (InputStream in = client.open("doc", 2)) {
      assertEquals("v2", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals(new ObjectInfo("doc", 1, 2, sha256(bytes("v1"))), client.head("doc", 1));
    assertEquals(3, client.head("doc").version());
    assertEquals("version=2", server.requests().get(5).rawQuery());
  }

  @Test
  void deleteAnswersTheTombstoneAndOlderVersionsStayReadable() throws Exception {
    client.put("doc", bytes("kept"));
    ObjectVersion tombstone = client.delete("doc");

    assertEquals(new ObjectVersion("doc", 2, 0, ""), tombstone);
    assertTrue(tombstone.isDeleted());
    assertEquals("DELETE", server.requests().get(1).method());
    ObjectNotFoundException gone =
        assertThrows(ObjectNotFoundException.class, () -> client.head("doc"));
    assertEquals(404, gone.status());
    assertThrows(ObjectNotFoundException.class, () -> client.delete("doc"));
    assertEquals("kept", get("doc", 1));
    assertThrows(ObjectNotFoundException.class, () -> get("doc", 2));
  }

  @Test
  void versionNumbersBelowOneAreRefusedBeforeAnythingIsSent() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> client.get("doc", 0, new ByteArrayOutputStream()));
    assertEquals("version (0) must be at least 1", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> client.head("doc", -1));
    assertThrows(IllegalArgumentException.class, () -> client.open("doc", Long.MIN_VALUE));
    assertEquals(List.of(), server.requests());
  }

  @Test
  void versionsFollowNextCursorToTheEnd() throws Exception {
    for (int i = 0; i < 10; i++) {
      server.store("many", bytes("#" + i));
    }
    server.store("other", bytes("x"));

    List<ObjectVersion> versions = client.versions("many").toList();

    assertEquals(IntStream.rangeClosed(1, 10).boxed().toList(),
        versions.stream().map(v -> (int) v.version()).toList());
    List<Request> pages = server.requests();
    assertEquals(4, pages.size()); // 3 + 3 + 3 + 1
    assertEquals("/versions/many", pages.get(0).rawPath());
    assertEquals("limit=3", pages.get(0).rawQuery());
    // The cursor +/3= is percent-encoded, else the server would read + as a space.
    assertEquals("limit=3&cursor=%2B%2F3%3D", pages.get(1).rawQuery());
  }

  @Test
  void pagesAreFetchedOnlyAsTheStreamReachesThem() throws Exception {
    for (int i = 0; i < 10; i++) {
      server.store("many", bytes("#" + i));
    }
    Stream<ObjectVersion> versions = client.versions("many");
    assertEquals(1, server.requests().size());
    assertEquals(4, versions.limit(4).count());
    assertEquals(2, server.requests().size());
  }

  @Test
  void listGivesTheLatestLiveVersionOfEachName() throws Exception {
    for (String name : List.of("b", "a", "a", "c", "d", "ab", "gone", "e")) {
      server.store(name, bytes(name));
    }
    client.delete("gone");

    List<ObjectVersion> live = client.list("").toList();
    assertEquals(List.of("a", "ab", "b", "c", "d", "e"),
        live.stream().map(ObjectVersion::name).toList());
    assertEquals(new ObjectVersion("a", 2, 1, sha256(bytes("a"))), live.get(0));
    assertEquals(List.of("a", "ab"), client.list("a").map(ObjectVersion::name).toList());
    assertEquals(List.of(), client.list("zz").toList());
  }

  @Test
  void allVersionsGivesEveryVersionByNameThenNumber() throws Exception {
    for (String name : List.of("x/", "p2", "p1", "p1", "p é+&=", "q")) {
      server.store(name.replace("/", ""), bytes(name));
    }
    client.delete("p2");
    List<String> all = client.allVersions("p").map(v -> v.name() + "@" + v.version()).toList();
    // By the bytes of the names: the space (0x20) comes before the digits.
    assertEquals(List.of("p é+&=@1", "p1@1", "p1@2", "p2@1", "p2@2"), all);
    assertEquals(List.of("p é+&=@1"),
        client.allVersions("p é+&").map(v -> v.name() + "@" + v.version()).toList());
    assertEquals("limit=3&prefix=p%20%C3%A9%2B%26",
        server.requests().get(server.requests().size() - 1).rawQuery());
  }

  @Test
  void aFailureOnTheFirstPageIsThrownByTheCall() {
    server.answerNextWith(503, "metadata store unavailable");
    ServiceUnavailableException e =
        assertThrows(ServiceUnavailableException.class, () -> client.list(""));
    assertEquals("metadata store unavailable", e.getMessage());
  }

  @Test
  void aFailureOnALaterPageIsThrownByTheStreamNeverAnEarlyEnd() throws Exception {
    for (int i = 0; i < 5; i++) {
      server.store("n" + i, bytes("x"));
    }
    Iterator<ObjectVersion> live = client.list("").iterator();
    for (int i = 0; i < 3; i++) {
      live.next();
    }
    server.answerNextWith(502, "data server failed");
    UncheckedIOException e = assertThrows(UncheckedIOException.class, live::hasNext);
    OstoreClientException cause = (OstoreClientException) e.getCause();
    assertEquals(502, cause.status());
  }

  @Test
  void answer409IsThePlainExceptionWithItsStatus() {
    server.answerNextWith(409, "another delete of doc is in progress");
    OstoreClientException e = assertThrows(OstoreClientException.class,
        () -> client.delete("doc"));
    assertEquals(OstoreClientException.class, e.getClass());
    assertEquals(409, e.status());
    assertEquals("another delete of doc is in progress", e.getMessage());
  }

  @Test
  void pageSizeIsFromOneToTenThousand() {
    OstoreClient.Builder builder = OstoreClient.builder(server.uri());
    assertThrows(IllegalArgumentException.class, () -> builder.pageSize(0));
    assertThrows(IllegalArgumentException.class, () -> builder.pageSize(10_001));
    assertFalse(builder.pageSize(10_000).build().toString().isEmpty());
  }

  private String get(String name, long version) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (version == 0) {
      client.get(name, out);
    } else {
      client.get(name, version, out);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
