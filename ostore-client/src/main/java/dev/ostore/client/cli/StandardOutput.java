package dev.ostore.client.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;

/**
 * Standard output as the commands write it, remembering whether a write failed because the
 * reader went away: a closed pipe, as in {@code list | head -1}. Other tools die of SIGPIPE then,
 * quietly; the JVM ignores that signal, so the write fails with {@code Broken pipe} instead, and
 * {@link Main} exits as if by the signal. Closing it only flushes: the process's stream stays
 * open.
 */
final class StandardOutput extends OutputStream {
  private final OutputStream out;
  private volatile boolean readerGone;

  StandardOutput(OutputStream out) {
    this.out = requireNonNull(out, "out");
  }

  /** Whether a write failed because nothing reads standard output any more. */
  boolean readerGone() {
    return readerGone;
  }

  @Override
  public void write(int b) throws IOException {
    try {
      out.write(b);
    } catch (IOException e) {
      throw noticed(e);
    }
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    try {
      out.write(bytes, offset, length);
    } catch (IOException e) {
      throw noticed(e);
    }
  }

  @Override
  public void flush() throws IOException {
    try {
      out.flush();
    } catch (IOException e) {
      throw noticed(e);
    }
  }

  @Override
  public void close() throws IOException {
    flush();
  }

  private IOException noticed(IOException e) {
    if (isClosedPipe(e.getMessage())) {
      readerGone = true;
    }
    return e;
  }

  /**
   * Whether {@code failure} is a write to a file that is a pipe nobody reads any more: a FIFO,
   * or {@code /dev/stdout}, that {@code get} wrote as a file. (Not a socket's broken pipe: a
   * server that hung up is an error to report.)
   */
  static boolean isClosedPipe(Exception failure) {
    return failure instanceof FileSystemException file && isClosedPipe(file.getReason());
  }

  /** EPIPE has no exception type of its own; its text is the C library's, on Linux and macOS. */
  private static boolean isClosedPipe(String message) {
    return message != null && message.contains("Broken pipe");
  }
}
