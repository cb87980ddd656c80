package dev.ostore.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private static final long MS = 1_000_000L;
  private static final String ERASE = "\033[K";

  private final AtomicLong clock = new AtomicLong(5_000 * MS);
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final Progress progress =
      new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock::get);

  /** The rate is counted from the first bytes: not over the file's hashing before them. */
  @Test
  void firstUpdateIsDrawnAtOnceThenAtMostEveryTenthOfASecond() {
    clock.addAndGet(1000 * MS);
    progress.transferred(1 << 20, 4 << 20);
    clock.addAndGet(99 * MS);
    progress.transferred(2 << 20, 4 << 20);
    clock.addAndGet(MS);
    progress.transferred(3 << 20, 4 << 20);

    assertEquals("\r1.0 MiB / 4.0 MiB (25%)" + ERASE
        + "\r3.0 MiB / 4.0 MiB (75%) 20.0 MiB/s" + ERASE, output());
  }

  /** After a resume the rate is counted again, from where the transfer goes on. */
  @Test
  void aResumeStartsTheRateAgainAndSaysItsReasonOnOneLine() {
    progress.transferred(1 << 20, 4 << 20);
    clock.addAndGet(1000 * MS);
    progress.resumed(3 << 20, 4 << 20, new java.io.IOException("refused\nsecond line\n"));
    progress.transferred(3 << 20, 4 << 20);
    clock.addAndGet(500 * MS);
    progress.transferred(7 << 19, 4 << 20);
    assertEquals("\r1.0 MiB / 4.0 MiB (25%)" + ERASE
        + "\rresuming at 3.0 MiB / 4.0 MiB (75%) after: refused" + ERASE + "\n"
        + "\r3.0 MiB / 4.0 MiB (75%)" + ERASE
        + "\r3.5 MiB / 4.0 MiB (87%) 1.0 MiB/s" + ERASE, output());
  }

  @Test
  void finishErasesTheLine() {
    progress.transferred(10, -1);
    progress.finish();
    assertEquals("\r10 B" + ERASE + "\r" + ERASE, output());
  }

  @Test
  void aResumeStaysOnALineOfItsOwnAndTheProgressStartsAgainBelow() {
    progress.transferred(3 << 20, 4 << 20);
    progress.resumed(1 << 20, 4 << 20, new java.net.SocketException("Connection reset"));
    progress.transferred(2 << 20, 4 << 20);
    assertEquals("\r3.0 MiB / 4.0 MiB (75%)" + ERASE
        + "\rresuming at 1.0 MiB / 4.0 MiB (25%) after: Connection reset" + ERASE + "\n"
        + "\r2.0 MiB / 4.0 MiB (50%)" + ERASE, output());
  }

  @Test
  void finishWithoutUpdatesPrintsNothing() {
    progress.finish();
    assertEquals("", output());
  }

  @Test
  void unknownSizeShowsBytesAndRateOnly() {
    assertEquals("1.5 MiB 1.0 MiB/s", Progress.line(3 << 19, -1, 1 << 20, 1000 * MS));
  }

  @Test
  void sizesUseBinaryUnits() {
    assertEquals("0 B", Progress.binary(0));
    assertEquals("1023 B", Progress.binary(1023));
    assertEquals("1.0 KiB", Progress.binary(1024));
    assertEquals("1.5 GiB", Progress.binary(3L << 29));
    assertEquals("8.0 EiB", Progress.binary(Long.MAX_VALUE));
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
