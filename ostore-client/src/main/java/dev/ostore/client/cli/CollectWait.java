package dev.ostore.client.cli;

import dev.ostore.client.OstoreClient;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gc --wait}: polls {@code GET /collect} until no pass runs, showing on a terminal how far
 * the pass running has gone on one line, redrawn in place and erased at the end, as {@link
 * Progress} does for transfers.
 */
final class CollectWait {
  private static final Duration POLL = Duration.ofMillis(500);
  private static final String ERASE_TO_END = "\033[K";
  private static final Pattern RUNNING = Pattern.compile("\"state\":\"running\"");

  private CollectWait() {}

  /** The status once the collector is idle; {@code terminal} shows progress if present. */
  static String await(OstoreClient client, Optional<PrintStream> terminal)
      throws IOException, InterruptedException {
    String status = client.collectStatus();
    while (RUNNING.matcher(status).find()) {
      String shown = status;
      terminal.ifPresent(err -> err.print("\rcollect: " + count(shown, "contentsChecked")
          + " contents checked, " + count(shown, "contentsCollected") + " collected, "
          + count(shown, "shardsHeld") + " shards and " + count(shown, "wholeCopiesHeld")
          + " whole copies held" + ERASE_TO_END));
      Thread.sleep(POLL.toMillis());
      status = client.collectStatus();
    }
    terminal.ifPresent(err -> err.print("\r" + ERASE_TO_END));
    return status;
  }

  /** The first count named {@code name} in {@code status}: the running pass's, listed first. */
  private static String count(String status, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":([0-9]+)").matcher(status);
    return m.find() ? m.group(1) : "?";
  }
}
