package dev.ostore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ostore.server.api.LocalCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's test of resumable uploads over a bad network: 50 uploads of a 300 MiB file, each
 * through a proxy that cuts its connections at random points, resumed by the SDK until done;
 * every object then reads back with the SHA-256 of the file that was sent. Each upload's content
 * differs (its first 8 bytes number it), so none is stored already. Smaller runs for a quick
 * look: {@code -Dostore.cuts.uploads=5 -Dostore.cuts.mib=30}.
 */
@Timeout(1800)
class UploadsCutAtRandomTest {
  static final int UPLOADS = Integer.getInteger("ostore.cuts.uploads", 50);
  static final long SIZE = Long.getLong("ostore.cuts.mib", 300) << 20;
  /** Connections cut per upload at most; the rest pass everything. */
  static final int CUTS = 3;
  /** No cut comes before this many bytes: the first POST is not retried, by design. */
  static final long FIRST_CUT = 64 << 10;

  @TempDir
  Path root;

  @Test
  void everyUploadCutAtRandomPointsReadsBackByteIdentical() throws Exception {
    Random random = new Random(11);
    Path file = randomFile(root.resolve("upload.bin"), random);
    try (LocalCluster cluster = LocalCluster.start(root.resolve("store"), 6)) {
      OstoreClient direct = OstoreClient.builder(cluster.uri()).build();
      for (int i = 0; i < UPLOADS; i++) {
        number(file, i);
        String sent = sha256(Files.newInputStream(file));
        AtomicInteger connections = new AtomicInteger();
        ResumableUploadTest.Events events = new ResumableUploadTest.Events();
        try (CuttingProxy proxy = CuttingProxy.cuttingRequestsAt(cluster.uri(),
            () -> connections.getAndIncrement() < CUTS
                ? FIRST_CUT + (long) (random.nextDouble() * (SIZE - FIRST_CUT))
                : Long.MAX_VALUE)) {
          ObjectVersion version = OstoreClient.builder(proxy.uri())
              .resumableAbove(1 << 20)
              .uploadRetries(10, Duration.ofMillis(20))
              .transferListener(events)
              .build()
              .put("cut-" + i, file);

          assertEquals(sent, version.hash(), "upload " + i);
          assertEquals(SIZE, version.size(), "upload " + i);
          assertFalse(events.resumed.isEmpty(), "upload " + i + " was cut at least once");
        }
        try (InputStream in = direct.open("cut-" + i)) {
          assertEquals(sent, sha256(in), "upload " + i + " read back");
        }
      }
    }
  }

  private static Path randomFile(Path file, Random random) throws IOException {
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < SIZE; written += chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(chunk.length, SIZE - written));
      }
    }
    return file;
  }

  /** Makes the file's content the {@code i}th upload's own. */
  private static void number(Path file, long i) throws IOException {
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.write(ByteBuffer.allocate(Long.BYTES).putLong(i).array());
    }
  }

  private static String sha256(InputStream source) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    try (InputStream in = new DigestInputStream(source, digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return Base64.getEncoder().encodeToString(digest.digest());
  }
}
