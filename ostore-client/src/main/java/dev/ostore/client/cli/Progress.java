package dev.ostore.client.cli;

import static java.util.Objects.requireNonNull;

import dev.ostore.client.TransferListener;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows how far one transfer has gone on a single line of a terminal: bytes so far, the percent
 * when the size is known, and the mean rate since the first bytes came (not since the command
 * began: an upload hashes its file first), or since a resume; and each resume of a broken
 * transfer on a line that stays. It redraws the line in place at most ten times a
 * second and {@link #finish} erases it, so nothing stays behind in the terminal or in a log.
 * {@link Main} attaches it only when standard error is a terminal. One transfer, one thread.
 */
final class Progress implements TransferListener {
  private static final long REDRAW_NANOS = 100_000_000L;
  /** Carriage return, then the text, then ANSI "erase to end of line" for a longer old line. */
  private static final String ERASE_TO_END = "\033[K";

  private final PrintStream err;
  private final LongSupplier nanoTime;
  /** When the rate's count began, and the bytes then; {@code counting} once it has. */
  private long countedSince;
  private long countedFrom;
  private boolean counting;
  private long lastDrawn;
  private boolean drawn;

  Progress(PrintStream err, LongSupplier nanoTime) {
    this.err = requireNonNull(err, "err");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
  }

  @Override
  public void transferred(long bytes, long size) {
    long now = nanoTime.getAsLong();
    if (!counting) {
      counting = true;
      countedSince = now;
      countedFrom = bytes;
    }
    if (drawn && now - lastDrawn < REDRAW_NANOS) {
      return;
    }
    lastDrawn = now;
    drawn = true;
    err.print("\r" + line(bytes, size, bytes - countedFrom, now - countedSince) + ERASE_TO_END);
    err.flush();
  }

  /**
   * Says, on a line of its own, why a transfer broke off and where it goes on: a download from
   * the bytes it received, an upload from the bytes the server holds.
   */
  @Override
  public void resumed(long bytes, long size, IOException why) {
    String reason = why.getMessage() == null ? why.getClass().getSimpleName()
        : why.getMessage().lines().findFirst().orElse("").strip(); // one line, as promised
    err.print("\r" + "resuming at " + line(bytes, size, 0, 0) + " after: " + reason
        + ERASE_TO_END + "\n");
    err.flush();
    drawn = false;
    counting = false;
  }

  /** Erases the line, if one was drawn. */
  void finish() {
    if (drawn) {
      err.print("\r" + ERASE_TO_END);
      err.flush();
      drawn = false;
    }
  }

  /**
   * The text of the line, e.g. {@code 12.0 MiB / 48.0 MiB (25%) 6.0 MiB/s}: the rate is of the
   * {@code counted} bytes in {@code elapsedNanos}, shown once some time has passed.
   */
  static String line(long bytes, long size, long counted, long elapsedNanos) {
    StringBuilder text = new StringBuilder(binary(bytes));
    if (size > 0) {
      text.append(" / ").append(binary(size))
          .append(String.format(Locale.ROOT, " (%d%%)", bytes * 100 / size));
    }
    if (elapsedNanos > 0) {
      text.append(' ').append(binary((long) (counted / (elapsedNanos / 1e9)))).append("/s");
    }
    return text.toString();
  }

  /** Bytes in the units of the size suffixes the command line takes (powers of 1024). */
  static String binary(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = bytes / 1024.0;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
