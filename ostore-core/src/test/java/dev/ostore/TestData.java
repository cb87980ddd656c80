package dev.ostore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * What tests of every module make and count: seeded random bytes, text that compresses (JSON
 * lines, log lines) and bytes that do not (gzip output), files under a directory.
 */
public final class TestData {
  private TestData() {}

  /** {@code size} random bytes, the same for the same {@code seed}. */
  public static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** {@code size} bytes of JSON lines, as services log them, the same for the same seed. */
  public static byte[] jsonLines(int size, long seed) {
    Random r = new Random(seed);
    return lines(size, () -> String.format("{\"ts\":\"2026-03-%02dT%02d:%02d:%02d.%03dZ\","
        + "\"level\":\"%s\",\"request_id\":\"%08x\",\"path\":\"/objects/doc-%d\","
        + "\"status\":%d,\"bytes\":%d}\n", 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60),
        r.nextInt(60), r.nextInt(1000), LEVELS[r.nextInt(LEVELS.length)], r.nextInt(),
        r.nextInt(5000), 200 + 4 * r.nextInt(2), r.nextInt(1 << 20)));
  }

  /** {@code size} bytes of log lines, the same for the same seed. */
  public static byte[] logLines(int size, long seed) {
    Random r = new Random(seed);
    return lines(size, () -> String.format("2026-03-%02d %02d:%02d:%02d %-5s [worker-%d] "
        + "dev.ostore.Api - GET /objects/doc-%d %d bytes in %d ms\n", 1 + r.nextInt(28),
        r.nextInt(24), r.nextInt(60), r.nextInt(60), LEVELS[r.nextInt(LEVELS.length)],
        r.nextInt(16), r.nextInt(5000), r.nextInt(1 << 20), r.nextInt(900)));
  }

  /** {@code size} bytes of gzip output: already compressed, so that they compress no further. */
  public static byte[] gzipped(int size, long seed) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      for (long s = seed; out.size() < size; s++) {
        gzip.write(jsonLines(1 << 20, s));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Arrays.copyOf(out.toByteArray(), size);
  }

  private static final String[] LEVELS = {"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"};

  private static byte[] lines(int size, Supplier<String> line) {
    StringBuilder text = new StringBuilder(size + 200);
    while (text.length() < size) {
      text.append(line.get());
    }
    return Arrays.copyOf(text.toString().getBytes(StandardCharsets.US_ASCII), size);
  }

  /** How many regular files are under {@code directory}, at any depth. */
  public static long filesUnder(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  /** {@code bytes}, of which {@code before} come at once and the rest once {@code go} opens. */
  public static InputStream stallingAfter(byte[] bytes, int before, CountDownLatch sent,
      CountDownLatch go) {
    return new InputStream() {
      int at;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (at == before) {
          sent.countDown();
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
        if (at == bytes.length) {
          return -1;
        }
        int n = Math.min(len, (at < before ? before : bytes.length) - at);
        System.arraycopy(bytes, at, b, off, n);
        at += n;
        return n;
      }
    };
  }
}
