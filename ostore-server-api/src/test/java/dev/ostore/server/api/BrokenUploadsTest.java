package dev.ostore.server.api;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An upload that does not arrive whole stores nothing, and replaces nothing. */
@Timeout(60)
class BrokenUploadsTest extends ClusterTest {
  @Test
  void aClientHangingUpMidUploadStoresNothing() throws Exception {
    http.sendAndHangUp(head("cut", "Content-Length: 1000000"), new byte[300_000]);
    assertNothingLeft("cut");
  }

  @Test
  void aChunkedBodyWithoutItsLastChunkStoresNothing() throws Exception {
    byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(ISO_8859_1);
    http.sendAndHangUp(head("unfinished", "Transfer-Encoding: chunked"),
        concat(chunk, chunk, chunk));
    assertNothingLeft("unfinished");
  }

  @Test
  void aCutUploadKeepsTheOldVersion() throws Exception {
    assertEquals(200, http.put("/objects/kept", "old version").statusCode());
    http.sendAndHangUp(head("kept", "Content-Length: 500000"), new byte[200_000]);
    awaitNoPartialFiles();
    assertEquals("old version", http.get("/objects/kept").body());
  }

  @Test
  void aCompleteChunkedBodyIsStored() throws Exception {
    byte[] chunk = ("5\r\nhello\r\n").getBytes(ISO_8859_1);
    String answer = http.exchangeRaw(head("chunks", "Transfer-Encoding: chunked")
        + new String(concat(chunk, chunk, "0\r\n\r\n".getBytes(ISO_8859_1)), ISO_8859_1));
    assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    assertEquals("hellohello", http.get("/objects/chunks").body());
  }

  private void assertNothingLeft(String name) throws Exception {
    awaitNoPartialFiles();
    // A quiet spell: a broken upload wrongly taken for whole would be committed within it.
    Thread.sleep(300);
    assertEquals(404, http.get("/objects/" + name).statusCode());
    try (Stream<Path> files = Files.walk(root)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().equals(name)),
          "no file for " + name);
    }
  }

  /** The api server notices the hang-up and aborts its upload; the data server then cleans up. */
  private void awaitNoPartialFiles() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (partialFiles() > 0) {
      assertTrue(System.nanoTime() < deadline, "partial upload still on disk");
      Thread.sleep(20);
    }
  }

  private long partialFiles() throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".part")).count();
    }
  }

  private static String head(String name, String lengthHeader) {
    return "PUT /objects/" + name + " HTTP/1.1\r\nHost: localhost\r\n" + lengthHeader
        + "\r\nConnection: close\r\n\r\n";
  }

  private static byte[] concat(byte[]... parts) {
    int size = 0;
    for (byte[] part : parts) {
      size += part.length;
    }
    byte[] all = new byte[size];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }
}
