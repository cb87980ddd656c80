package dev.ostore.client;

import static dev.ostore.client.OstoreClientTest.list;
import static dev.ostore.client.OstoreClientTest.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How the client reports what went wrong: typed answers, cut bodies, refused names. */
@Timeout(30)
class OstoreClientErrorsTest {
  private final FakeOstoreServer server = new FakeOstoreServer();
  private final OstoreClient client = OstoreClient.builder(server.uri()).build();

  @TempDir
  Path dir;

  OstoreClientErrorsTest() throws IOException {}

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void missingObjectIsObjectNotFoundWithTheServersMessage() {
    ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class,
        () -> client.get("missing", new ByteArrayOutputStream()));
    assertEquals(404, e.status());
    assertEquals("object missing not found", e.getMessage());
  }

  @Test
  void headOfMissingObjectIsObjectNotFound() {
    ObjectNotFoundException e =
        assertThrows(ObjectNotFoundException.class, () -> client.head("missing"));
    assertEquals(404, e.status());
  }

  @Test
  void locateOfMissingObjectIsObjectNotFound() {
    ObjectNotFoundException e =
        assertThrows(ObjectNotFoundException.class, () -> client.locate("missing"));
    assertEquals("object missing not found", e.getMessage());
  }

  @Test
  void answer400IsBadRequest() {
    server.answerNextWith(400, "bad object name: x");
    BadRequestException e =
        assertThrows(BadRequestException.class, () -> client.put("x", new byte[10]));
    assertEquals(400, e.status());
    assertEquals("bad object name: x", e.getMessage());
  }

  @Test
  void answer503IsServiceUnavailable() {
    server.answerNextWith(503, "no data server is live");
    ServiceUnavailableException e = assertThrows(ServiceUnavailableException.class,
        () -> client.put("x", new ByteArrayInputStream(new byte[10])));
    assertEquals("no data server is live", e.getMessage());
  }

  @Test
  void otherStatusesAreThePlainExceptionWithTheirStatus() {
    server.answerNextWith(502, "data server 127.0.0.1:9001 failed");
    OstoreClientException e =
        assertThrows(OstoreClientException.class, () -> client.open("x"));
    assertEquals(OstoreClientException.class, e.getClass());
    assertEquals(502, e.status());
    assertEquals("data server 127.0.0.1:9001 failed", e.getMessage());
  }

  @Test
  void errorWithoutMessageSaysTheStatus() {
    server.answerNextWith(500, "");
    OstoreClientException e = assertThrows(OstoreClientException.class, () -> client.open("x"));
    assertEquals("Internal Server Error", e.getMessage());
  }

  @Test
  void bodyCutShortFailsTheReadInsteadOfEndingEarly() throws IOException {
    server.store("obj", randomBytes(1 << 20));
    server.cutGetBodies();
    try (InputStream in = client.open("obj")) {
      EOFException e = assertThrows(EOFException.class, in::readAllBytes);
      assertTrue(e.getMessage().contains("of 1048576 bytes"), e.getMessage());
    }
  }

  @Test
  void aBodyThatStopsComingTimesOutNamingTheRequestTheServerAndTheTimeout() {
    server.store("obj", randomBytes(1 << 20));
    server.stallGetBodies();
    OstoreClient impatient = OstoreClient.builder(server.uri())
        .requestTimeout(Duration.ofMillis(300)).downloadRetries(0, Duration.ZERO).build();
    SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
        () -> impatient.get("obj", new ByteArrayOutputStream()));
    assertEquals("GET /objects/obj: nothing came from " + server.uri() + " for 300 ms",
        e.getMessage());
  }

  @Test
  void aResumeAnswered5xxIsTriedAgainAnd4xxIsNot() throws IOException {
    server.store("obj", randomBytes(1 << 20));
    server.cutGetBodies(); // and the fake serves no ranges: a resume that gets through fails
    OstoreClient resuming = OstoreClient.builder(server.uri())
        .downloadRetries(5, java.time.Duration.ZERO).build();

    server.answerLaterWith(1, 503, "no data server is live");
    EOFException notTheRest = assertThrows(EOFException.class,
        () -> resuming.get("obj", new ByteArrayOutputStream()));
    assertTrue(notTheRest.getMessage().contains("did not send the rest"),
        notTheRest.getMessage());
    assertEquals(3, gets(), "the cut GET, the 503, and the resume after it");

    server.answerLaterWith(1, 404, "object obj not found");
    assertThrows(ObjectNotFoundException.class,
        () -> resuming.get("obj", new ByteArrayOutputStream()));
    assertEquals(3 + 2, gets(), "the cut GET and the 404: not tried again");
  }

  private long gets() {
    return server.requests().stream().filter(request -> request.method().equals("GET")).count();
  }

  @Test
  void bodyCutShortFailsGetToAStream() {
    server.store("obj", randomBytes(1 << 20));
    server.cutGetBodies();
    assertThrows(EOFException.class, () -> client.get("obj", new ByteArrayOutputStream()));
  }

  @Test
  void bodyCutShortLeavesNoFileAndTheOldOneUntouched() throws IOException {
    server.store("obj", randomBytes(1 << 20));
    server.cutGetBodies();
    Path fresh = dir.resolve("fresh");
    Path existing = Files.writeString(dir.resolve("existing"), "old content");

    assertThrows(EOFException.class, () -> client.get("obj", fresh));
    assertThrows(EOFException.class, () -> client.get("obj", existing));

    assertFalse(Files.exists(fresh));
    assertEquals("old content", Files.readString(existing));
    assertEquals(List.of(existing), list(dir));
  }

  @Test
  void missingObjectCreatesNoFile() {
    Path target = dir.resolve("target");
    assertThrows(ObjectNotFoundException.class, () -> client.get("missing", target));
    assertFalse(Files.exists(target));
  }

  @Test
  void forbiddenNameIsRefusedBeforeAnythingIsSent() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> client.put("a/b", new byte[1]));
    assertEquals("object name contains '/': a/b", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> client.get("..", dir.resolve("f")));
    assertThrows(IllegalArgumentException.class, () -> client.head(""));
    assertThrows(IllegalArgumentException.class, () -> client.locate("a\tb"));
    assertEquals(List.of(), server.requests());
  }

  @Test
  void builderRefusesBadSettings() {
    assertThrows(IllegalArgumentException.class,
        () -> OstoreClient.builder(URI.create("ftp://127.0.0.1")));
    assertThrows(IllegalArgumentException.class,
        () -> OstoreClient.builder(URI.create("http:///path")));
    assertThrows(IllegalArgumentException.class,
        () -> OstoreClient.builder(URI.create("http://h/?q=1")));
    OstoreClient.Builder builder = OstoreClient.builder(server.uri());
    assertThrows(IllegalArgumentException.class, () -> builder.connectTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> builder.requestTimeout(Duration.ofDays(30)));
  }
}
