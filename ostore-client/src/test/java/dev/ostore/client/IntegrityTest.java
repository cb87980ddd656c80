package dev.ostore.client;

import static dev.ostore.client.OstoreClientTest.list;
import static dev.ostore.client.OstoreClientTest.randomBytes;
import static dev.ostore.client.OstoreClientTest.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SHA-256 checks both ways: bytes changed on the way are never taken for the object. */
@Timeout(30)
class IntegrityTest {
  private final FakeOstoreServer server = new FakeOstoreServer();
  private final OstoreClient client = OstoreClient.builder(server.uri()).build();
  private final byte[] body = randomBytes(300_000);

  @TempDir
  Path dir;

  IntegrityTest() throws IOException {}

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void aTamperedDownloadToAStreamThrowsAfterTheLastByte() {
    server.store("obj", body);
    server.tamperGetBodies();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    DigestMismatchException e =
        assertThrows(DigestMismatchException.class, () -> client.get("obj", out));

    assertEquals(body.length, out.size());
    assertEquals(sha256(body), e.expected());
    assertEquals(sha256(tampered(body)), e.actual());
    assertEquals("GET obj: the bytes received have SHA-256 " + e.actual() + ", not the "
        + e.expected() + " the server declared: they are corrupt", e.getMessage());
    assertTrue(e.recorded().isEmpty());
  }

  @Test
  void aTamperedDownloadCreatesNoFileAndLeavesTheOldOne() throws IOException {
    server.store("obj", body);
    server.tamperGetBodies();
    Path fresh = dir.resolve("fresh");
    Path existing = Files.writeString(dir.resolve("existing"), "old content");

    assertThrows(DigestMismatchException.class, () -> client.get("obj", fresh));
    assertThrows(DigestMismatchException.class, () -> client.get("obj", 1, existing));

    assertFalse(Files.exists(fresh));
    assertEquals("old content", Files.readString(existing));
    assertEquals(List.of(existing), list(dir));
  }

  @Test
  void aTamperedOpenStreamThrowsAtItsEndInsteadOfReturningMinusOne() throws IOException {
    server.store("obj", body);
    server.tamperGetBodies();
    try (InputStream in = client.open("obj")) {
      byte[] start = in.readNBytes(1000);
      assertEquals(1000, start.length); // nothing is held back: the check is at the end
      assertEquals(body.length - 1000 - 1, in.skip(body.length - 1000 - 1));
      assertEquals(body[body.length - 1] & 0xff, in.read());
      assertThrows(DigestMismatchException.class, in::read);
      assertThrows(DigestMismatchException.class, () -> in.read(new byte[10]));
    }
  }

  @Test
  void anIntactOpenStreamEndsNormallyEvenWhenSkipped() throws IOException {
    server.store("obj", body);
    try (InputStream in = client.open("obj")) {
      assertEquals(body.length - 10, in.skip(body.length - 10));
      assertEquals(10, in.readAllBytes().length);
      assertEquals(-1, in.read());
    }
  }

  @Test
  void anAnswerWithoutDigestIsRefused() throws IOException {
    server.answerNextWith(200, "no digest here");
    IOException e = assertThrows(IOException.class, () -> client.open("obj"));
    assertEquals("GET obj: the answer has no SHA-256 Digest header", e.getMessage());
  }

  @Test
  void aStreamedPutWhoseStoredBytesDifferThrowsAndNamesTheRecordedVersion() {
    server.corruptPuts();
    DigestMismatchException e = assertThrows(DigestMismatchException.class,
        () -> client.put("obj", new ByteArrayInputStream(body)));

    ObjectVersion recorded = e.recorded().orElseThrow();
    assertEquals(new ObjectVersion("obj", 1, body.length, sha256(tampered(body))), recorded);
    assertEquals(sha256(body), e.expected());
    assertEquals(recorded.hash(), e.actual());
    assertTrue(e.getMessage().startsWith("PUT obj: the bytes the server stored differ from the"
        + " bytes sent"), e.getMessage());
    assertTrue(e.getMessage().endsWith("version 1 is recorded anyway: store the object again or"
        + " delete it"), e.getMessage());
  }

  @Test
  void aPutWithADigestIsCheckedByTheServer() throws IOException {
    server.corruptPuts(); // the fake corrupts only what it cannot check
    ObjectVersion stored = client.put("obj", body);
    assertEquals(sha256(body), stored.hash());
    assertArrayEquals(body, server.object("obj"));
  }

  private static byte[] tampered(byte[] bytes) {
    byte[] copy = bytes.clone();
    copy[0] ^= 1;
    return copy;
  }
}
