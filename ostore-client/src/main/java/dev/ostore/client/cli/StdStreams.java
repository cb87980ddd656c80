package dev.ostore.client.cli;

import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;

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
}
