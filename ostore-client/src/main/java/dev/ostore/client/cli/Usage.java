package dev.ostore.client.cli;

import java.util.Optional;
import java.util.stream.Collectors;

/** The command line's help text, and the hint a usage error ends with. */
final class Usage {
  /** Ends the one line of a usage error: the help is long, and a mistake is usually small. */
  static final String HINT = " (see --help)";

  static final String TEXT = """
      usage: java -jar ostore-client.jar [--server URL] [--timeout T] [--verbose]
                                         COMMAND [ARGS]

      commands:
        put NAME FILE|- [--if-absent | --if-match HASH]
                            store FILE (or standard input, streamed, for -) as the next version
                            of object NAME; print that version. A FILE of 64 MiB or more is
                            sent resumably, 256 MiB a request: when the connection breaks (or
                            the server answers 5xx), put asks how many bytes the server holds
                            and sends the rest, up to 5 times in a row without the server
                            gaining a byte, after 1, 2, 4, 8 and 16 s; if it still fails, the
                            upload is deleted.
                            --if-absent stores it only if NAME has no live object, --if-match
                            only if NAME's latest version has the content of that SHA-256 (in
                            base64, as versions print it); else nothing is stored and the exit
                            status is 1. A conditional put is one request, never resumed
        get NAME [FILE|-] [--version N] [--resume]
                            write object NAME (version N, else the latest) to FILE, or to
                            standard output (the default), checking its SHA-256 on the way:
                            FILE is replaced only when all is well; a directory means the
                            file NAME in it; a device or FIFO (/dev/null, /dev/stdout) is
                            written in place; on standard output, bytes that prove corrupt at
                            the end show as exit status 1. A connection that breaks is
                            resumed where it broke, up to 5 times. --resume keeps what FILE
                            holds, fetches only the rest into it in place, and checks the
                            whole file
        head NAME [--version N]
                            print the latest version of NAME (or version N), without its bytes
        delete NAME [--version N | --if-match HASH]
                            delete object NAME and print the tombstone version; its earlier
                            versions stay readable with get --version. With --version N,
                            remove version N for good instead (its content is freed by a
                            later gc, once no version refers to it). --if-match deletes it
                            only if its latest version has the content of that SHA-256
        versions NAME       print every version of NAME, oldest first, tombstones included
        list [PREFIX]       print the latest version of each object (whose name starts with
                            PREFIX), in name order; deleted objects are left out
        locate NAME         print where object NAME is: "<shard> <host:port>" a line
                            (none for a small object kept in the metadata store)
        repair status       print the repair service's state, its pass running and its last
                            pass (contents checked, shards missing and rebuilt, bytes, failures)
                            as JSON
        repair start        start a repair pass now, unless one runs; print the same JSON
        gc [--dry-run] [--wait]
                            start a garbage collection pass now, unless one runs, and print
                            the collector's state as JSON; --dry-run only counts what it
                            would free; --wait follows the pass (progress on a terminal) and
                            prints its report
        bench --size BYTES --count N --concurrency C [--op put|get|mixed] [--warmup W]
              [--keep]
                            time N operations on C threads (N at least C), print "key: value"
                            lines (MB = 10^6 bytes), after untimed ones for W: a number of
                            operations, or a time such as 10s (default 3s, at most N); every
                            PUT sends new content, and each thread holds a copy of the body;
                            then delete every object it wrote, unless --keep
        help                print this help

      options:
        --server URL        the api server; default $OSTORE_SERVER, else %s
        --timeout T         how long to wait for each answer of the server, such as 500ms,
                            30s or 2m (default 60s)
        --verbose           print the stack trace of a failure
        --long              put, head, delete, versions and list: print when each version
                            was written too
        -h, --help          print this help
        --                  end of options, for names that start with a dash

      put, head, delete, versions and list print one line per version:
        VERSION<TAB>SIZE<TAB>SHA256<TAB>NAME
      or with --long:
        VERSION<TAB>SIZE<TAB>SHA256<TAB>WRITTEN<TAB>NAME
      SHA256 is the base64 SHA-256 of the bytes (as in the Digest header), or "deleted" for the
      tombstone a delete records. WRITTEN is when the server recorded the version, in UTC
      (2026-12-05T04:31:22.123Z; head knows only the second), or - if the server does not say.
      Names hold no tab or newline, so NAME is the rest of the line.
      A NAME is 1 to 255 bytes of UTF-8, without '/' or control characters, and not . or ..
      Sizes are bytes, or take a suffix k, m, g or t (powers of 1024): 4k = 4096.
      put and get show their progress on standard error when it is a terminal, on one line
      that they erase when done, and each resume on a line of its own.
      Exit status: 0 success, 1 failure (a missing object too), 2 usage error or bad name,
      141 standard output closed early (as by SIGPIPE: ostore-client.jar list | head), 130
      stopped by Ctrl-C (143 by SIGTERM), once it cleaned up as a failure would.
      The JVM keeps up to 64 idle connections per server for bench; for more concurrency run
      java -Dhttp.maxConnections=N -jar ostore-client.jar ...
      """.formatted(Main.DEFAULT_SERVER);

  /** How a command's entry starts in {@link #TEXT}; its lines after it are indented further. */
  private static final String ENTRY = "  ";

  private Usage() {}

  /**
   * The help of one command ({@code get --help}, {@code help get}): the usage line and the
   * entries of {@link #TEXT} that start with {@code command}, all of them for {@code repair};
   * empty for a word that is no command.
   */
  static Optional<String> of(String command) {
    StringBuilder help = new StringBuilder();
    boolean in = false;
    for (String line : TEXT.lines().toList()) {
      boolean entry = line.startsWith(ENTRY) && !line.startsWith(ENTRY + " ");
      if (entry) {
        in = line.equals(ENTRY + command) || line.startsWith(ENTRY + command + " ");
      } else if (!line.startsWith(ENTRY)) {
        in = false; // the end of the list of commands
      }
      if (in) {
        help.append(line).append('\n');
      }
    }
    return help.isEmpty() ? Optional.empty() : Optional.of(
        TEXT.lines().limit(2).collect(Collectors.joining("\n", "", "\n\n"))
            + help + "\n(--help lists every command and option)\n");
  }
}
