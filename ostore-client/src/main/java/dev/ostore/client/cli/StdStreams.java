package dev.ostore.client.cli;

import static java.util.Objects.requireNonNull;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The standard streams a command runs with, passed in so tests can run {@link Main} in-process.
 * {@code out} is a raw stream, not a {@link PrintStream}, because {@code get} writes object bytes
 * there and a PrintStream would swallow a write error such as a closed pipe.
 */
record StdStreams(InputStream in, OutputStream out, PrintStream err, boolean errIsTerminal) {
  StdStreams {
    requireNonNull(in, "in");
    requireNonNull(out, "out");
    requireNonNull(err, "err");
  }

  /** The process's own streams; standard output unbuffered, as the file descriptor it is. */
  static StdStreams ofProcess() {
    return new StdStreams(System.in, new FileOutputStream(FileDescriptor.out), System.err,
        stderrIsTerminal());
  }

  /** The same streams with {@code out} instead. */
  StdStreams withOut(OutputStream out) {
    return new StdStreams(in, out, err, errIsTerminal);
  }

  /**
   * Whether standard error is a terminal. Java 17 can only ask that of the whole console, so on
   * Linux this looks where file descriptor 2 points.
   */
  private static boolean stderrIsTerminal() {
    Path fd = Path.of("/proc/self/fd/2");
    try {
      if (Files.isSymbolicLink(fd)) {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Not Linux, or /proc is hidden: fall back to asking about the console.
    }
    return System.console() != null;
  }
}
