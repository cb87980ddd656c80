package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.ContentHash;
import dev.ostore.TestData;
import dev.ostore.compress.Compression;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compression at rest and {@code Accept-Encoding} through an api server and its data servers in
 * one process: what the data servers' disks hold, and every answer's body and headers.
 */
class CompressionTest {
  static final int BLOCK = 64 * 1024;
  static final int STRIPE = 4 * BLOCK;
  static final byte[] JSON = TestData.jsonLines(6 * STRIPE + 4321, 1);
  static final byte[] LOGS = TestData.logLines(3 * STRIPE, 2);
  static final byte[] SMALL = TestData.jsonLines(30_000, 3);
  static final byte[] RANDOM = TestData.randomBytes(3 * STRIPE, 4);
  static final byte[] GZIPPED = TestData.gzipped(3 * STRIPE, 5);

  @TempDir
  static Path root;
  static LocalCluster cluster;
  static Http http;

  @BeforeAll
  static void start() throws IOException {
    cluster = LocalCluster.builder(root).dataServers(6).start();
    http = new Http(cluster.uri());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void textTakesAFractionOfTheDiskRandomBytesTheirOwnSize() throws Exception {
    long before = diskBytes();
    put("disk-json", JSON);
    long json = diskBytes() - before;
    put("disk-random", RANDOM);
    long random = diskBytes() - before - json;
    // Six shards of a sixth more than a quarter each: 1.5 times the stored bytes, plus headers.
    assertTrue(json * 2 < JSON.length, "JSON lines took " + json + " bytes of disk");
    assertTrue(random >= RANDOM.length * 3 / 2, "random bytes took " + random);
    assertTrue(random < RANDOM.length * 3 / 2 + 64 * 1024, "random bytes took " + random);
  }

  @Test
  void aWholeGetIsGzipWhenAskedAndIdentityOtherwise() throws Exception {
    for (byte[] bytes : new byte[][] {JSON, LOGS, SMALL}) {
      String name = "whole-" + bytes.length;
      put(name, bytes);
      String etag = "\"" + ContentHash.sha256(bytes).base64() + "\"";
      String gzipEtag = "\"" + ContentHash.sha256(bytes).base64() + "-gzip\"";

      HttpResponse<byte[]> plain = http.getBytes("/objects/" + name);
      assertEquals(200, plain.statusCode());
      assertArrayEquals(bytes, plain.body());
      assertEquals(Optional.empty(), plain.headers().firstValue("Content-Encoding"));
      assertEquals(Optional.of(etag), plain.headers().firstValue("ETag"));
      assertEquals(Optional.of("Accept-Encoding"), plain.headers().firstValue("Vary"));

      HttpResponse<byte[]> gzip = http.getBytes("/objects/" + name, "Accept-Encoding",
          "br;q=1.0, gzip;q=0.8, *;q=0.1");
      assertEquals(200, gzip.statusCode());
      assertEquals(Optional.of("gzip"), gzip.headers().firstValue("Content-Encoding"));
      assertEquals(Optional.of(gzipEtag), gzip.headers().firstValue("ETag"));
      assertEquals(Optional.of("Accept-Encoding"), gzip.headers().firstValue("Vary"));
      assertEquals(Optional.of(Long.toString(bytes.length)),
          gzip.headers().firstValue("Object-Size"));
      assertEquals(Optional.of("SHA-256=" + ContentHash.sha256(bytes).base64()),
          gzip.headers().firstValue("Digest"));
      assertEquals(Optional.empty(), gzip.headers().firstValue("Content-Digest"));
      assertEquals(Optional.of(Long.toString(gzip.body().length)),
          gzip.headers().firstValue("Content-Length"));
      assertTrue(gzip.body().length * 3 < bytes.length, name + ": " + gzip.body().length);
      assertArrayEquals(bytes, gunzip(gzip.body()));

      HttpResponse<String> head = http.head("/objects/" + name, "Accept-Encoding", "gzip");
      assertEquals(200, head.statusCode());
      assertEquals(Optional.of("gzip"), head.headers().firstValue("Content-Encoding"));
      assertEquals(Optional.of(gzipEtag), head.headers().firstValue("ETag"));
      assertEquals(Optional.of(Long.toString(gzip.body().length)),
          head.headers().firstValue("Content-Length"));
      HttpResponse<String> plainHead = http.head("/objects/" + name);
      assertEquals(Optional.of(Long.toString(bytes.length)),
          plainHead.headers().firstValue("Content-Length"));
      assertEquals(Optional.empty(), plainHead.headers().firstValue("Content-Encoding"));

      assertEquals(304, http.getBytes("/objects/" + name, "Accept-Encoding", "gzip",
          "If-None-Match", gzipEtag).statusCode());
      assertEquals(200, http.getBytes("/objects/" + name, "Accept-Encoding", "gzip",
          "If-None-Match", etag).statusCode());
      assertEquals(304, http.getBytes("/objects/" + name, "If-None-Match", etag).statusCode());
    }
  }

  @Test
  void qualityValuesDecide() throws Exception {
    put("q", LOGS);
    assertEquals(Optional.empty(), encoding("q", "gzip;q=0.5, identity"));
    assertEquals(Optional.of("gzip"), encoding("q", "gzip;q=0.5"));
    assertEquals(Optional.empty(), encoding("q", "gzip;q=0"));
    assertEquals(Optional.of("gzip"), encoding("q", "*"));
    assertEquals(Optional.of("gzip"), encoding("q", "gzip, identity;q=0"));
    HttpResponse<byte[]> none = http.getBytes("/objects/q", "Accept-Encoding", "br, *;q=0");
    assertEquals(406, none.statusCode());
    assertEquals(Optional.of("Accept-Encoding"), none.headers().firstValue("Vary"));
    assertEquals("object q can be sent gzip or identity, and Accept-Encoding: br, *;q=0 takes"
        + " neither\n", new String(none.body(), StandardCharsets.UTF_8));
    assertEquals(406, http.head("/objects/q", "Accept-Encoding", "identity;q=0").statusCode());
  }

  @Test
  void incompressibleContentIsAlwaysSentIdentity() throws Exception {
    for (byte[] bytes : new byte[][] {RANDOM, GZIPPED, new byte[0]}) {
      String name = "incompressible-" + bytes.length + "-" + bytes.hashCode();
      put(name, bytes);
      HttpResponse<byte[]> get = http.getBytes("/objects/" + name, "Accept-Encoding", "gzip");
      assertEquals(200, get.statusCode());
      assertEquals(Optional.empty(), get.headers().firstValue("Content-Encoding"));
      assertEquals(Optional.of("Accept-Encoding"), get.headers().firstValue("Vary"));
      assertArrayEquals(bytes, get.body());
      HttpResponse<byte[]> none = http.getBytes("/objects/" + name, "Accept-Encoding",
          "br, *;q=0");
      assertEquals(406, none.statusCode());
      assertEquals("object " + name + " can be sent identity, and Accept-Encoding: br, *;q=0"
          + " takes neither\n", new String(none.body(), StandardCharsets.UTF_8));
      assertEquals(406, http.getBytes("/objects/" + name, "Accept-Encoding", "gzip, *;q=0")
          .statusCode());
    }
  }

  @Test
  void rangesAreIdentityAroundBlockAndStripeEdges() throws Exception {
    put("ranges", JSON);
    long size = JSON.length;
    for (long at : new long[] {0, BLOCK - 1, BLOCK, 2 * BLOCK + 1, STRIPE - 1, STRIPE,
        3 * STRIPE - 2, size - BLOCK, size - 2, size - 1}) {
      for (long length : new long[] {1, 2, 3, BLOCK, BLOCK + 2, STRIPE + 1}) {
        long last = Math.min(size - 1, at + length - 1);
        HttpResponse<byte[]> get = http.getBytes("/objects/ranges", "Range",
            "bytes=" + at + "-" + last, "Accept-Encoding", "gzip");
        String what = "bytes " + at + "-" + last;
        assertEquals(206, get.statusCode(), what);
        assertEquals(Optional.of("bytes " + at + "-" + last + "/" + size),
            get.headers().firstValue("Content-Range"), what);
        assertEquals(Optional.empty(), get.headers().firstValue("Content-Encoding"), what);
        assertEquals(Optional.of("Accept-Encoding"), get.headers().firstValue("Vary"), what);
        assertArrayEquals(Arrays.copyOfRange(JSON, (int) at, (int) last + 1), get.body(), what);
      }
    }
    HttpResponse<byte[]> suffix = http.getBytes("/objects/ranges", "Range", "bytes=-1");
    assertArrayEquals(new byte[] {JSON[JSON.length - 1]}, suffix.body());
    // A client that takes no identity gets the whole object gzip: the range is ignored.
    HttpResponse<byte[]> gzipOnly = http.getBytes("/objects/ranges", "Range", "bytes=0-9",
        "Accept-Encoding", "gzip, identity;q=0");
    assertEquals(200, gzipOnly.statusCode());
    assertArrayEquals(JSON, gunzip(gzipOnly.body()));
  }

  @Test
  void contentStoredWithCompressionOffIsReadWhenOn() throws Exception {
    Path other = Files.createDirectories(root.resolve("off"));
    try (LocalCluster off = LocalCluster.builder(other).dataServers(6)
        .compression(Compression.OFF).start()) {
      HttpResponse<String> put = new Http(off.uri()).put("/objects/old", LOGS);
      assertEquals(200, put.statusCode(), put.body());
      long disk = diskBytes(other);
      assertTrue(disk >= LOGS.length * 3 / 2, "stored as they came: " + disk);
    }
    try (LocalCluster on = LocalCluster.builder(other).dataServers(6).start()) {
      Http again = new Http(on.uri());
      HttpResponse<byte[]> get = again.getBytes("/objects/old", "Accept-Encoding", "gzip");
      assertEquals(Optional.empty(), get.headers().firstValue("Content-Encoding"));
      assertArrayEquals(LOGS, get.body());
      assertArrayEquals(Arrays.copyOfRange(LOGS, BLOCK - 1, BLOCK + 1), again.getBytes(
          "/objects/old", "Range", "bytes=" + (BLOCK - 1) + "-" + BLOCK).body());
    }
  }

  static Optional<String> encoding(String name, String accepted) throws Exception {
    HttpResponse<byte[]> get = http.getBytes("/objects/" + name, "Accept-Encoding", accepted);
    assertEquals(200, get.statusCode(), accepted);
    Optional<String> coding = get.headers().firstValue("Content-Encoding");
    assertArrayEquals(LOGS, coding.isPresent() ? gunzip(get.body()) : get.body(), accepted);
    return coding;
  }

  static void put(String name, byte[] bytes) throws Exception {
    HttpResponse<String> put = http.put("/objects/" + name, bytes);
    assertEquals(200, put.statusCode(), put.body());
  }

  static long diskBytes() throws IOException {
    return diskBytes(root);
  }

  /** The bytes of every shard file under the data servers' roots in {@code dir}. */
  static long diskBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().contains("/shards/") && Files.isRegularFile(p))
          .mapToLong(p -> p.toFile().length()).sum();
    }
  }

  static byte[] gunzip(byte[] gzip) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }
}
