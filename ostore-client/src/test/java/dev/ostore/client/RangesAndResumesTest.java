package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ostore.server.api.LocalCluster;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's ranged reads, and its downloads resumed after a broken connection, against the real
 * servers behind a proxy that cuts connections part way.
 */
@Timeout(120)
class RangesAndResumesTest {
  static final int SIZE = 3_000_000;

  @TempDir
  Path root;
  LocalCluster cluster;
  OstoreClient client;
  byte[] bytes = new byte[SIZE];

  @BeforeEach
  void start() throws Exception {
    cluster = LocalCluster.start(root.resolve("store"));
    client = OstoreClient.builder(cluster.uri()).build();
    new Random(7).nextBytes(bytes);
    client.put("big", bytes);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aRangeOpensJustThoseBytes() throws Exception {
    assertArrayEquals(Arrays.copyOfRange(bytes, 1_000_000, 1_001_024),
        read(client.open("big", ByteRange.of(1_000_000, 1024))));
    assertArrayEquals(Arrays.copyOfRange(bytes, SIZE - 10, SIZE),
        read(client.open("big", ByteRange.from(SIZE - 10))));
    assertArrayEquals(Arrays.copyOfRange(bytes, SIZE - 300_000, SIZE),
        read(client.open("big", 1, ByteRange.last(300_000))));
    assertArrayEquals(Arrays.copyOfRange(bytes, SIZE - 5, SIZE),
        read(client.open("big", ByteRange.of(SIZE - 5, 1000))), "cut at the end");
    assertArrayEquals(bytes, read(client.open("big", ByteRange.last(SIZE + 1))));

    OstoreClientException past = assertThrows(OstoreClientException.class,
        () -> client.open("big", ByteRange.from(SIZE)));
    assertEquals(416, past.status());
    assertTrue(past.getMessage().contains("asks for none of them"), past.getMessage());

    client.put("empty", new byte[0]);
    assertArrayEquals(new byte[0], read(client.open("empty", ByteRange.last(5))));
  }

  /** A stream read after it was closed fails, and asks the server for nothing more. */
  @Test
  void aClosedDownloadIsNotReopenedByAReadAfterItsClose() throws Exception {
    ResumableUploadTest.Events events = new ResumableUploadTest.Events();
    OstoreClient listened = OstoreClient.builder(cluster.uri()).transferListener(events).build();
    for (InputStream in : List.of(listened.open("big"),
        listened.open("big", ByteRange.of(10, 100_000)))) {
      assertEquals(1000, in.readNBytes(1000).length);
      in.close();
      IOException closed = assertThrows(IOException.class, in::readAllBytes);
      assertTrue(closed.getMessage().endsWith(": the stream is closed"), closed.getMessage());
      in.close();
    }
    assertEquals(List.of(), events.resumed);
  }

  @Test
  void aDownloadWhoseConnectionBreaksGoesOnFromWhereItBroke() throws Exception {
    try (CuttingProxy proxy = new CuttingProxy(cluster.uri(), 3, 700_000)) {
      ResumableUploadTest.Events events = new ResumableUploadTest.Events();
      List<Long> resumedAt = events.resumed;
      OstoreClient cut = OstoreClient.builder(proxy.uri())
          .downloadRetries(5, Duration.ofMillis(10))
          .transferListener(events)
          .build();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertEquals(SIZE, cut.get("big", out));
      assertArrayEquals(bytes, out.toByteArray());
      assertEquals(3, resumedAt.size(), resumedAt.toString());
      assertTrue(resumedAt.get(0) > 0 && resumedAt.get(0) < resumedAt.get(1), resumedAt.toString());

      Path file = root.resolve("big.copy");
      proxyAgain(proxy);
      assertEquals(0, proxy.cutsLeft());
      assertEquals(SIZE, cut.get("big", file));
      assertArrayEquals(bytes, Files.readAllBytes(file));
    }
  }

  @Test
  void textComesGzipAndABrokenGzipBodyIsResumedIdentityFromTheDecodedOffset() throws Exception {
    StringBuilder lines = new StringBuilder();
    Random random = new Random(11);
    while (lines.length() < SIZE) {
      lines.append(String.format("{\"ts\":%d,\"level\":\"INFO\",\"path\":\"/objects/doc-%d\","
          + "\"status\":%d}%n", 1_700_000_000_000L + random.nextInt(1 << 20),
          random.nextInt(5000), 200 + 4 * random.nextInt(2)));
    }
    byte[] text = lines.toString().getBytes(StandardCharsets.US_ASCII);
    client.put("text", text);
    // Cut after 100,000 bytes on the wire: far more than that once decoded, if sent gzip.
    try (CuttingProxy proxy = new CuttingProxy(cluster.uri(), 2, 100_000)) {
      ResumableUploadTest.Events events = new ResumableUploadTest.Events();
      List<Long> resumedAt = events.resumed;
      OstoreClient cut = OstoreClient.builder(proxy.uri())
          .downloadRetries(3, Duration.ofMillis(10))
          .transferListener(events)
          .build();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertEquals(text.length, cut.get("text", out));
      assertArrayEquals(text, out.toByteArray());
      // The first cut is of the gzip body, the second of the identity rest.
      assertEquals(2, resumedAt.size(), resumedAt.toString());
      assertTrue(resumedAt.get(0) > 200_000, "resumed at " + resumedAt);
      assertTrue(resumedAt.get(1) - resumedAt.get(0) < 200_000, "resumed at " + resumedAt);
    }
  }

  @Test
  void aRangeWhoseConnectionBreaksGoesOnFromWhereItBroke() throws Exception {
    try (CuttingProxy proxy = new CuttingProxy(cluster.uri(), 2, 400_000)) {
      OstoreClient cut = OstoreClient.builder(proxy.uri())
          .downloadRetries(5, Duration.ZERO).build();
      assertArrayEquals(Arrays.copyOfRange(bytes, 500_000, 2_300_000),
          read(cut.open("big", ByteRange.of(500_000, 1_800_000))));
      assertEquals(0, proxy.cutsLeft(), "both cuts were met");
    }
  }

  @Test
  void withoutRetriesABrokenDownloadFailsAndLeavesNoFile() throws Exception {
    try (CuttingProxy proxy = new CuttingProxy(cluster.uri(), 1, 700_000)) {
      OstoreClient cut = OstoreClient.builder(proxy.uri()).downloadRetries(0, Duration.ZERO)
          .build();
      Path file = root.resolve("never");
      assertThrows(EOFException.class, () -> cut.get("big", file));
      assertTrue(Files.notExists(file));
    }
  }

  @Test
  void aDownloadIsNotResumedIntoAnotherVersion() throws Exception {
    byte[] other = new byte[SIZE];
    new Random(8).nextBytes(other);
    try (CuttingProxy proxy = new CuttingProxy(cluster.uri(), 1, 700_000)) {
      OstoreClient cut = OstoreClient.builder(proxy.uri())
          .downloadRetries(5, Duration.ZERO)
          .transferListener(new TransferListener() {
            @Override
            public void transferred(long bytes, long size) {}

            @Override
            public void resumed(long bytes, long size, IOException why) {
              try {
                client.put("big", other); // a new latest version, between the cut and the rest
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            }
          })
          .build();
      IOException changed = assertThrows(IOException.class,
          () -> cut.get("big", new ByteArrayOutputStream()));
      assertTrue(changed.getMessage().contains("did not send the rest of the same object"),
          changed.getMessage());
      ByteArrayOutputStream old = new ByteArrayOutputStream();
      cut.get("big", 1, old);
      assertArrayEquals(bytes, old.toByteArray(), "a version by number is the same bytes");
    }
  }

  @Test
  void resumeKeepsWhatAFileHoldsAndFetchesOnlyTheRest() throws Exception {
    Path file = root.resolve("partial");
    Files.write(file, Arrays.copyOf(bytes, 1_234_567));
    List<Long> sizes = new ArrayList<>();
    OstoreClient counting = OstoreClient.builder(cluster.uri())
        .transferListener((sent, size) -> sizes.add(size)).build();
    assertEquals(SIZE, counting.resume("big", file));
    assertArrayEquals(bytes, Files.readAllBytes(file));
    assertEquals(SIZE - 1_234_567, sizes.get(sizes.size() - 1), "only the rest was sent");

    assertEquals(SIZE, client.resume("big", file), "a whole file is only checked");
    Files.delete(file);
    assertEquals(SIZE, client.resume("big", file), "no file: all of it");
    assertArrayEquals(bytes, Files.readAllBytes(file));

    byte[] wrong = Arrays.copyOf(bytes, 1000);
    wrong[10] ^= 1;
    Files.write(file, wrong);
    DigestMismatchException notItsStart = assertThrows(DigestMismatchException.class,
        () -> client.resume("big", file));
    assertArrayEquals(wrong, Files.readAllBytes(file), "left as it was, nothing appended");
    assertTrue(notItsStart.getMessage().endsWith(": the 1000 bytes " + file + " held are not the"
        + " start of the object (with the rest appended they hash to " + notItsStart.actual()
        + ", not " + notItsStart.expected() + "); the file is left as it was: download it"
        + " afresh"), notItsStart.getMessage());

    Files.delete(file);
    Files.createDirectory(file);
    Files.write(file.resolve("big"), Arrays.copyOf(bytes, 99));
    assertEquals(SIZE, client.resume("big", file), "a directory: the file of the name in it");
    assertArrayEquals(bytes, Files.readAllBytes(file.resolve("big")));
    Files.delete(file.resolve("big"));
    Files.delete(file);

    Files.write(file, Arrays.copyOf(bytes, SIZE + 1));
    IOException longer = assertThrows(IOException.class, () -> client.resume("big", file));
    assertTrue(longer.getMessage().contains("more than the " + SIZE), longer.getMessage());
  }

  /** Uses up the proxy's cuts with downloads that resume, so later ones pass whole. */
  private void proxyAgain(CuttingProxy proxy) throws IOException {
    OstoreClient through = OstoreClient.builder(proxy.uri())
        .downloadRetries(5, Duration.ZERO).build();
    while (proxy.cutsLeft() > 0) {
      through.get("big", new ByteArrayOutputStream());
    }
  }

  private static byte[] read(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }
}
