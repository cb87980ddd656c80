package dev.ostore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

/** What tests of every module make and count: seeded random bytes, files under a directory. */
public final class TestData {
  private TestData() {}

  /** {@code size} random bytes, the same for the same {@code seed}. */
  public static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** How many regular files are under {@code directory}, at any depth. */
  public static long filesUnder(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).count();
    }
  }
}
