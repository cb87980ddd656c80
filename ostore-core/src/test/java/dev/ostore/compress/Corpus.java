package dev.ostore.compress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Content of each kind that compression meets, for tests and the benchmark: generated JSON lines
 * and log lines (seeded, so every run sees the same bytes), the machine's own text (licences and
 * man pages, decompressed), already-compressed data (the machine's gzip files of 64 KiB and
 * more, its PNG and JPEG images) and random bytes. Files are taken in path order, a file with the
 * name and size of an earlier one skipped (packages ship copies), so a run on the same machine
 * reads the same bytes.
 */
enum Corpus {
  JSON {
    @Override
    byte[] generate(int size) {
      return lines(size, (r, out) -> out.append(String.format(
          "{\"ts\":\"%s\",\"level\":\"%s\",\"service\":\"%s\",\"request_id\":\"%s\","
              + "\"user_id\":%d,\"method\":\"%s\",\"path\":\"/objects/%s\",\"status\":%d,"
              + "\"bytes\":%d,\"duration_ms\":%.1f}\n",
          timestamp(r, 'T', "Z"), pick(r, LEVELS), pick(r, SERVICES), hex(r, 16),
          1000 + r.nextInt(5000), pick(r, METHODS), objectName(r), pick(r, STATUSES),
          r.nextInt(10_000_000), r.nextDouble() * 250)));
    }
  },
  LOG {
    @Override
    byte[] generate(int size) {
      return lines(size, (r, out) -> out.append(String.format(
          "%s %-5s [pool-%d-thread-%d] %s - %s %s %d bytes in %d ms (request %s)\n",
          timestamp(r, ' ', ""), pick(r, LEVELS), 1 + r.nextInt(4), 1 + r.nextInt(32),
          pick(r, LOGGERS), pick(r, METHODS), objectName(r), r.nextInt(10_000_000),
          r.nextInt(900), hex(r, 12))));
    }
  },
  TEXT {
    @Override
    byte[] generate(int size) {
      Stream<Path> licences = files("/usr/share/common-licenses", p -> true);
      Stream<Path> manPages = files("/usr/share/man", p -> p.toString().endsWith(".gz"));
      return concat(Stream.concat(licences, manPages), size, true);
    }
  },
  GZIP {
    @Override
    byte[] generate(int size) {
      // Files of 64 KiB and more: a man page's few hundred bytes are mostly gzip's headers.
      return concat(files("/usr/share", p -> p.toString().endsWith(".gz") && size(p) >= 65536),
          size, false);
    }
  },
  IMAGE {
    @Override
    byte[] generate(int size) {
      Predicate<Path> image = p -> p.toString().matches("(?i).*\\.(png|jpe?g)");
      return concat(files("/usr/share", image), size, false);
    }
  },
  RANDOM {
    @Override
    byte[] generate(int size) {
      byte[] b = new byte[size];
      new Random(42).nextBytes(b);
      return b;
    }
  };

  private static final String[] LEVELS = {"INFO", "INFO", "INFO", "INFO", "DEBUG", "WARN",
      "ERROR"};
  private static final String[] SERVICES = {"api", "data", "metadata", "repair"};
  private static final String[] METHODS = {"GET", "GET", "GET", "PUT", "HEAD", "DELETE"};
  private static final int[] STATUSES = {200, 200, 200, 200, 201, 206, 304, 404, 503};
  private static final String[] LOGGERS = {"d.o.server.api.ObjectsEndpoints",
      "d.o.server.data.ShardEndpoints", "d.o.metadata.SqlMetadata", "d.o.locate.BusLocator"};
  private static final String[] FOLDERS = {"photos/2026", "logs/api", "backups/db", "docs",
      "videos/raw", "reports/q3"};

  /** The longest content made so far of each kind: listing /usr/share takes seconds. */
  private static final Map<Corpus, byte[]> MADE = new ConcurrentHashMap<>();

  /** Exactly {@code size} bytes of this kind (the same bytes on every call). */
  byte[] make(int size) {
    byte[] made = MADE.compute(this, (kind, old) -> old != null && old.length >= size ? old
        : generate(size));
    return Arrays.copyOf(made, size);
  }

  abstract byte[] generate(int size);

  private interface Line {
    void append(Random r, StringBuilder out);
  }

  private static byte[] lines(int size, Line line) {
    Random r = new Random(7);
    StringBuilder out = new StringBuilder(size + 512);
    while (out.length() < size) {
      line.append(r, out);
    }
    out.setLength(size);
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String timestamp(Random r, char separator, String zone) {
    return String.format("2026-11-%02d%c%02d:%02d:%02d.%03d%s", 20 + r.nextInt(5), separator,
        r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(1000), zone);
  }

  private static String objectName(Random r) {
    return pick(r, FOLDERS) + "/item_" + r.nextInt(20_000) + (r.nextBoolean() ? ".jpg" : ".json");
  }

  private static String pick(Random r, String[] values) {
    return values[r.nextInt(values.length)];
  }

  private static int pick(Random r, int[] values) {
    return values[r.nextInt(values.length)];
  }

  private static String hex(Random r, int digits) {
    StringBuilder s = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      s.append(Character.forDigit(r.nextInt(16), 16));
    }
    return s.toString();
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of " + p, e);
    }
  }

  private static Stream<Path> files(String root, Predicate<Path> which) {
    try (Stream<Path> all = Files.walk(Path.of(root))) {
      List<Path> found = all.filter(Files::isRegularFile).filter(which).sorted()
          .collect(Collectors.toList());
      return found.stream();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root + " for the " + root + " corpus", e);
    }
  }

  /** The files' bytes (gunzipped when {@code gunzip} and the file ends in .gz), cut at size. */
  private static byte[] concat(Stream<Path> files, int size, boolean gunzip) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    Set<String> seen = new HashSet<>();
    for (Path p : (Iterable<Path>) files::iterator) {
      if (out.size() >= size) {
        break;
      }
      if (!seen.add(p.getFileName() + " " + size(p))) {
        continue;
      }
      try (InputStream raw = Files.newInputStream(p);
          InputStream in = gunzip && p.toString().endsWith(".gz") ? new GZIPInputStream(raw)
              : raw) {
        out.write(in.readNBytes(size - out.size()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + p + " for a corpus", e);
      }
    }
    if (out.size() < size) {
      throw new IllegalStateException("the machine has " + out.size() + " bytes for this corpus, "
          + size + " needed");
    }
    return out.toByteArray();
  }
}
