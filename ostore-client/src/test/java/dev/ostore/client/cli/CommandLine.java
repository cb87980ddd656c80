package dev.ostore.client.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs the command line in-process against one server, as a user at a shell would. */
final class CommandLine {
  /** What one run left behind: its exit status, standard output and standard error. */
  record Run(int status, byte[] out, String err) {
    String text() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  private final URI server;
  private final boolean terminal;

  CommandLine(URI server) {
    this(server, false);
  }

  /** With {@code terminal}, standard error passes for a terminal: progress is drawn on it. */
  CommandLine(URI server, boolean terminal) {
    this.server = server;
    this.terminal = terminal;
  }

  Run run(String... words) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Run run = run(out, words);
    return new Run(run.status(), out.toByteArray(), run.err());
  }

  /** Runs with {@code out} as standard output; the result's {@code out} is then empty. */
  Run run(OutputStream out, String... words) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(words, Map.of("OSTORE_SERVER", server.toString()),
        new StdStreams(new ByteArrayInputStream(new byte[0]), out,
            new PrintStream(err, true, StandardCharsets.UTF_8), terminal));
    return new Run(status, new byte[0], err.toString(StandardCharsets.UTF_8));
  }
}
