package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.client.FakeOstoreServer.Request;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client's happy paths against {@link FakeOstoreServer}: what goes on the wire, and back. */
@Timeout(30)
class OstoreClientTest {
  private final FakeOstoreServer server = new FakeOstoreServer();
  private final OstoreClient client = OstoreClient.builder(server.uri()).build();

  @TempDir
  Path dir;

  OstoreClientTest() throws IOException {}

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void putOfBytesSendsEncodedPathContentLengthAndDigest() throws Exception {
    byte[] body = "hello".getBytes();
    assertEquals(new ObjectVersion("a b+c%dé", 1, 5, sha256(body)), client.put("a b+c%dé", body));

    Request put = server.requests().get(0);
    assertEquals("PUT", put.method());
    assertEquals("/objects/a%20b%2Bc%25d%C3%A9", put.rawPath());
    assertEquals("5", put.headers().getFirst("Content-Length"));
    assertNull(put.headers().getFirst("Transfer-Encoding"));
    assertEquals("SHA-256=" + sha256(body), put.headers().getFirst("Digest"));
    assertArrayEquals(body, server.object("a b+c%dé"));
  }

  @Test
  void putOfFileSendsContentLengthAndDigestOfTheFile() throws Exception {
    byte[] body = randomBytes(3 * OstoreClient.BUFFER_SIZE + 7);
    Path file = Files.write(dir.resolve("upload"), body);
    assertEquals(new ObjectVersion("file", 1, body.length, sha256(body)), client.put("file", file));

    Request put = server.requests().get(0);
    assertEquals(Long.toString(body.length), put.headers().getFirst("Content-Length"));
    assertEquals("SHA-256=" + sha256(body), put.headers().getFirst("Digest"));
    assertArrayEquals(body, server.object("file"));
  }

  @Test
  void putOfStreamIsChunkedWithoutDigest() throws Exception {
    byte[] body = randomBytes(200_000);
    assertEquals(new ObjectVersion("stream", 1, body.length, sha256(body)),
        client.put("stream", new ByteArrayInputStream(body)));

    Request put = server.requests().get(0);
    assertEquals("chunked", put.headers().getFirst("Transfer-Encoding"));
    assertNull(put.headers().getFirst("Content-Length"));
    assertNull(put.headers().getFirst("Digest"));
    assertArrayEquals(body, server.object("stream"));
  }

  @Test
  void sixteenMebibytesStreamUpAndDownUnchanged() throws Exception {
    byte[] body = randomBytes(16 << 20);
    client.put("big", new ByteArrayInputStream(body));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertEquals(body.length, client.get("big", out));
    assertEquals(sha256(body), sha256(out.toByteArray()));
  }

  @Test
  void emptyObjectRoundTrips() throws Exception {
    client.put("empty", new byte[0]);
    assertEquals(0, client.get("empty", new ByteArrayOutputStream()));
    assertEquals(0, client.head("empty").size());
  }

  @Test
  void getToFileReplacesItAndLeavesNoTemporaryFile() throws Exception {
    byte[] body = randomBytes(100_000);
    server.store("obj", body);
    Path target = Files.writeString(dir.resolve("target"), "old content");

    assertEquals(body.length, client.get("obj", target));
    assertArrayEquals(body, Files.readAllBytes(target));
    assertEquals(List.of(target), list(dir));
  }

  @Test
  void openStreamsTheObject() throws Exception {
    byte[] body = randomBytes(300_000);
    server.store("obj", body);
    try (InputStream in = client.open("obj")) {
      assertArrayEquals(body, in.readAllBytes());
    }
  }

  @Test
  void headTellsVersionSizeAndHash() throws Exception {
    server.store("obj", new byte[1234]);
    assertEquals(new ObjectInfo("obj", 1, 1234, sha256(new byte[1234])), client.head("obj"));
    assertEquals("HEAD", server.requests().get(0).method());
  }

  @Test
  void locateDecodesTheAddress() throws Exception {
    server.store("résumé", new byte[1]);
    assertEquals(java.util.Optional.of("127.0.0.1:9001"), client.locate("résumé").whole());
    assertEquals("/locate/r%C3%A9sum%C3%A9", server.requests().get(0).rawPath());
  }

  @Test
  void locateDecodesEachShardsAddress() throws Exception {
    Location location = client.locate("sharded");
    assertEquals(java.util.Map.of(0, "127.0.0.1:9001", 1, "127.0.0.1:9002"), location.shards());
    assertEquals(java.util.Optional.empty(), location.whole());
    assertEquals("0 127.0.0.1:9001\n1 127.0.0.1:9002", location.toString());
  }

  @Test
  void listenerHearsEveryByteOfAnUploadAndADownload() throws Exception {
    List<long[]> calls = new ArrayList<>();
    OstoreClient listened = OstoreClient.builder(server.uri())
        .transferListener((bytes, size) -> calls.add(new long[] {bytes, size}))
        .build();
    byte[] body = randomBytes(OstoreClient.BUFFER_SIZE * 2 + 1);
    listened.put("obj", body);
    assertArrayEquals(new long[] {body.length, body.length}, calls.get(calls.size() - 1));

    calls.clear();
    listened.get("obj", new ByteArrayOutputStream());
    assertArrayEquals(new long[] {body.length, body.length}, calls.get(calls.size() - 1));
  }

  @Test
  void pathOfTheBaseUriPrefixesEveryRequest() throws Exception {
    OstoreClient prefixed = OstoreClient.builder(server.uri().resolve("/objects/")).build();
    server.store("objects/x", new byte[1]); // what the fake makes of the prefixed path
    assertEquals(1, prefixed.head("x").size());
    assertEquals("/objects/objects/x", server.requests().get(0).rawPath());
  }

  static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  static String sha256(byte[] bytes) {
    return FakeOstoreServer.sha256(bytes);
  }

  static List<Path> list(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.toList();
    }
  }
}
