package dev.ostore.client.cli;

import dev.ostore.client.Location;
import dev.ostore.client.ObjectInfo;
import dev.ostore.client.ObjectVersion;
import dev.ostore.client.OstoreClient;
import dev.ostore.client.WriteCondition;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The ostore command line: {@code java -jar ostore-client.jar [--server URL] COMMAND ...}.
 * {@link #main} reads the process's environment and exits; {@link #run} does the work with what
 * it is given and returns the exit status, so tests run it in-process.
 */
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  /** What shells report for a process killed by SIGPIPE (128 + 13), as {@code yes | head} is. */
  static final int CLOSED_PIPE = 141;
  /** What shells report for a process stopped by Ctrl-C (128 + SIGINT's 2). */
  static final int INTERRUPTED = 130;
  /** The bounds of --timeout: the SDK's, a connection's timeout being an int of milliseconds. */
  private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
  private static final Duration MAX_TIMEOUT = Duration.ofHours(596);
  /** How long an interrupted command may take to clean up before the JVM stops it. */
  static final Duration CLEANUP_WAIT = Duration.ofSeconds(10);
  static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

  private static final Set<String> VALUED = Set.of(
      "server", "timeout", "size", "count", "concurrency", "op", "warmup", "version", "if-match");
  private static final Set<String> FLAGS =
      Set.of("verbose", "help", "keep", "resume", "dry-run", "wait", "if-absent", "long");
  private static final Set<String> GC_ONLY = Set.of("dry-run", "wait");
  private static final Set<String> BENCH_ONLY =
      Set.of("size", "count", "concurrency", "op", "warmup", "keep");
  private static final Set<String> VERSIONED = Set.of("get", "head", "delete");
  private static final Set<String> CONDITIONAL = Set.of("put", "delete");
  private static final Set<String> PRINTING_VERSIONS =
      Set.of("put", "head", "delete", "versions", "list");
  /** Lines of a listing between checks that standard output still takes them. */
  private static final int CHECK_EVERY = 1000;

  private Main() {}

  public static void main(String[] args) {
    // The JDK keeps only 5 idle connections per server by default; a bench with more threads
    // would reconnect for nearly every request. Read once, at the first connection.
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections", "64");
    }
    Interruption interruption = Interruption.install(Thread.currentThread(), CLEANUP_WAIT);
    int status = run(args, System.getenv(), StdStreams.ofProcess());
    interruption.finished();
    System.exit(status); // once interrupted, the JVM exits when the hook returns, as signalled
  }

  /** Runs one command line with {@code env} as the environment, and returns the exit status. */
  static int run(String[] words, Map<String, String> env, StdStreams process) {
    StandardOutput out = new StandardOutput(process.out());
    StdStreams io = process.withOut(out);
    Exception failure;
    try {
      Args args = Args.parse(words, VALUED, FLAGS);
      List<String> operands = args.operands();
      boolean helpWord = operands.stream().findFirst().equals(Optional.of("help"));
      if (args.flag("help") || helpWord) {
        // get --help, help get: that command's help; else all of it.
        List<String> asked = helpWord ? operands.subList(1, operands.size()) : operands;
        PrintStream stdout = text(io);
        stdout.print(asked.isEmpty() ? Usage.TEXT
            : Usage.of(asked.get(0)).orElse(Usage.TEXT));
        stdout.flush();
        return out.readerGone() ? CLOSED_PIPE : OK;
      }
      return execute(args, server(args, env), io);
    } catch (UsageException | IllegalArgumentException e) {
      // IllegalArgumentException: a name the protocol forbids; the message says which rule.
      io.err().println("ostore: " + e.getMessage() + Usage.HINT);
      return USAGE;
    } catch (IOException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      failure = e;
    } catch (UncheckedIOException e) {
      failure = e.getCause(); // a later page of a listing that failed to come
    }
    if (out.readerGone() || StandardOutput.isClosedPipe(failure)) {
      return CLOSED_PIPE; // the reader has what it wanted: nothing to say, as with SIGPIPE
    }
    if (Interruption.causedBy(failure)) {
      io.err().println("ostore: interrupted" + (failure.getSuppressed().length == 0 ? ""
          : "; cleaning up failed: " + failure.getSuppressed()[0].getMessage()));
      return INTERRUPTED;
    }
    io.err().println("ostore: " + Failures.describe(failure));
    if (List.of(words).contains("--verbose")) {
      failure.printStackTrace(io.err());
    }
    return FAILED;
  }

  private static int execute(Args args, URI server, StdStreams io)
      throws UsageException, IOException, InterruptedException {
    List<String> operands = args.operands();
    if (operands.isEmpty()) {
      throw new UsageException("no command given");
    }
    String command = operands.get(0);
    List<String> rest = operands.subList(1, operands.size());
    checkOptionsOf(command, args);
    OptionalLong version = version(args);
    OstoreClient.Builder builder = OstoreClient.builder(server);
    timeout(args, builder);
    Progress progress = (command.equals("put") || command.equals("get")) && io.errIsTerminal()
        ? new Progress(io.err(), System::nanoTime) : null;
    if (progress != null) {
      builder.transferListener(progress);
    }
    OstoreClient client = builder.build();
    PrintStream stdout = text(io);
    VersionText text = args.flag("long") ? VersionText.LONG : VersionText.SHORT;
    int status = OK;
    try {
      switch (command) {
        case "put" -> stdout.println(text.line(put(client, rest, condition(args), io)));
        case "get" -> get(client, rest, version, args.flag("resume"), io);
        case "head" -> stdout.println(text.line(
            head(client, only(rest, "head NAME [--version N]"), version)));
        case "delete" -> delete(client,
            only(rest, "delete NAME [--version N | --if-match HASH]"), version, condition(args),
            stdout, text);
        case "versions" -> status = versions(client, only(rest, "versions NAME"), stdout, text,
            io.err());
        case "list" -> print(client.list(optional(rest, "list [PREFIX]")), stdout, text);
        case "locate" -> locate(client, only(rest, "locate NAME"), stdout, io.err());
        case "repair" -> stdout.print(repair(client, rest));
        case "gc" -> stdout.print(gc(client, rest, args, io));
        case "bench" -> status = bench(args, rest, client, stdout, io.err());
        default -> throw new UsageException("unknown command " + command);
      }
    } finally {
      if (progress != null) {
        progress.finish();
      }
      // Also what was printed before a failure, such as the pages of a listing that broke off.
      stdout.flush();
    }
    if (stdout.checkError()) {
      throw new IOException("cannot write to standard output");
    }
    return status;
  }

  private static void checkOptionsOf(String command, Args args) throws UsageException {
    if (!command.equals("bench")) {
      for (String option : BENCH_ONLY) {
        if (args.option(option).isPresent() || args.flag(option)) {
          throw new UsageException("option --" + option + " is for bench only");
        }
      }
    }
    if (!PRINTING_VERSIONS.contains(command) && args.flag("long")) {
      throw new UsageException("option --long is for put, head, delete, versions and list only");
    }
    if (!VERSIONED.contains(command) && args.option("version").isPresent()) {
      throw new UsageException("option --version is for get, head and delete only");
    }
    for (String flag : GC_ONLY) {
      if (!command.equals("gc") && args.flag(flag)) {
        throw new UsageException("option --" + flag + " is for gc only");
      }
    }
    if (!command.equals("get") && args.flag("resume")) {
      throw new UsageException("option --resume is for get only");
    }
    if (!CONDITIONAL.contains(command)
        && (args.flag("if-absent") || args.option("if-match").isPresent())) {
      throw new UsageException("options --if-absent and --if-match are for put and delete only");
    }
    if (command.equals("delete") && args.flag("if-absent")) {
      throw new UsageException("option --if-absent is for put only: a delete of nothing fails");
    }
  }

  /** The condition of --if-absent or --if-match HASH, if one is given; both are refused. */
  private static Optional<WriteCondition> condition(Args args) throws UsageException {
    Optional<String> hash = args.option("if-match");
    if (args.flag("if-absent")) {
      if (hash.isPresent()) {
        throw new UsageException("--if-absent and --if-match cannot both hold");
      }
      return Optional.of(WriteCondition.ifAbsent());
    }
    try {
      return hash.map(WriteCondition::ifContent);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--if-match: " + e.getMessage());
    }
  }

  /**
   * Prints a listing as it comes, a version a line, and returns how many; stops it when standard
   * output is gone (a closed pipe).
   */
  private static long print(Stream<ObjectVersion> versions, PrintStream stdout,
      VersionText text) throws IOException {
    Iterator<ObjectVersion> lines = versions.iterator();
    long n = 0;
    while (lines.hasNext()) {
      stdout.println(text.line(lines.next()));
      if (++n % CHECK_EVERY == 0 && stdout.checkError()) {
        throw new IOException("cannot write to standard output");
      }
    }
    return n;
  }

  /**
   * {@code locate NAME}: a line an address; content small enough to be kept in the metadata
   * store has none, which is said on standard error rather than printed as an empty line.
   */
  private static void locate(OstoreClient client, String name, PrintStream stdout,
      PrintStream err) throws IOException {
    Location location = client.locate(name);
    if (location.shards().isEmpty() && location.whole().isEmpty()) {
      err.println("ostore: " + name + " is kept in the metadata store, on no data server");
      return;
    }
    stdout.println(location);
  }

  /** {@code versions NAME}: a name that never existed has none, a failure as for get. */
  private static int versions(OstoreClient client, String name, PrintStream stdout,
      VersionText text, PrintStream err) throws IOException {
    if (print(client.versions(name), stdout, text) > 0) {
      return OK;
    }
    err.println("ostore: object " + name + " has no versions: no object was ever named so");
    return FAILED;
  }

  /**
   * {@code delete NAME}: a tombstone, printed as a version line, under {@code condition} if
   * given; with {@code --version N}, that version removed for good, printed as {@code removed
   * NAME version N}.
   */
  private static void delete(OstoreClient client, String name, OptionalLong version,
      Optional<WriteCondition> condition, PrintStream stdout, VersionText text)
      throws IOException, UsageException {
    if (version.isEmpty()) {
      stdout.println(text.line(condition.isPresent() ? client.delete(name, condition.get())
          : client.delete(name)));
      return;
    }
    if (condition.isPresent()) {
      throw new UsageException("--if-absent and --if-match are about the latest version, not"
          + " --version");
    }
    client.deleteVersion(name, version.getAsLong());
    stdout.println("removed " + name + " version " + version.getAsLong());
  }

  /** {@code gc [--dry-run] [--wait]}: the collector's JSON, once its pass ended with --wait. */
  private static String gc(OstoreClient client, List<String> rest, Args args, StdStreams io)
      throws UsageException, IOException, InterruptedException {
    if (!rest.isEmpty()) {
      throw new UsageException("gc takes no operand, not " + rest.get(0));
    }
    String status = client.collect(args.flag("dry-run"));
    return args.flag("wait")
        ? CollectWait.await(client, io.errIsTerminal() ? Optional.of(io.err()) : Optional.empty())
        : status;
  }

  /** {@code repair status} or {@code repair start}: the service's JSON either way. */
  private static String repair(OstoreClient client, List<String> rest)
      throws UsageException, IOException {
    return switch (only(rest, "repair status|start")) {
      case "status" -> client.repairStatus();
      case "start" -> client.startRepair();
      default -> throw new UsageException("repair takes status or start, not " + rest.get(0));
    };
  }

  /** The number of --version, up to the server's largest; empty for the latest. */
  private static OptionalLong version(Args args) throws UsageException {
    Optional<String> text = args.option("version");
    if (text.isEmpty()) {
      return OptionalLong.empty();
    }
    if (text.get().matches("[1-9][0-9]*")) {
      try {
        return OptionalLong.of(Long.parseLong(text.get()));
      } catch (NumberFormatException pastLongMaxValue) {
        // refused below, as any other text that is no version
      }
    }
    throw new UsageException("--version must be a whole number from 1 to " + Long.MAX_VALUE
        + ", not " + text.get());
  }

  /** Sets the SDK's request timeout to --timeout, when given. */
  private static void timeout(Args args, OstoreClient.Builder builder) throws UsageException {
    Optional<String> text = args.option("timeout");
    if (text.isPresent()) {
      Duration timeout;
      try {
        timeout = DurationText.parse(text.get());
      } catch (IllegalArgumentException e) {
        throw new UsageException("--timeout: " + e.getMessage());
      }
      // The SDK's own refusal names its setting and writes the time as ISO-8601.
      if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new UsageException("--timeout must be from 1ms to " + MAX_TIMEOUT.toHours()
            + "h: " + text.get());
      }
      builder.requestTimeout(timeout);
    }
  }

  private static int bench(Args args, List<String> rest, OstoreClient client, PrintStream stdout,
      PrintStream err) throws UsageException, IOException, InterruptedException {
    if (!rest.isEmpty()) {
      throw new UsageException("bench takes no operands: " + rest);
    }
    BenchResult result = Bench.run(client, BenchOptions.from(args), new SecureRandom());
    result.print(stdout);
    if (result.errors() == 0) {
      return OK;
    }
    err.println("ostore: bench: " + result.errors() + " operations failed, the first with "
        + result.firstError().orElse("?"));
    return FAILED;
  }

  /** Stores a file, or standard input for {@code -}, and returns the version. */
  private static ObjectVersion put(OstoreClient client, List<String> rest,
      Optional<WriteCondition> condition, StdStreams io) throws UsageException, IOException {
    if (rest.size() != 2) {
      throw new UsageException("usage: put NAME FILE|- [--if-absent | --if-match HASH]");
    }
    String name = rest.get(0);
    boolean stdin = rest.get(1).equals("-");
    if (condition.isPresent()) {
      return stdin ? client.put(name, io.in(), condition.get())
          : client.put(name, Path.of(rest.get(1)), condition.get());
    }
    return stdin ? client.put(name, io.in()) : client.put(name, Path.of(rest.get(1)));
  }

  /**
   * Writes an object to a file, or to standard output for {@code -} (the default); with {@code
   * --resume}, continues in place the file an earlier get left part way.
   */
  private static void get(OstoreClient client, List<String> rest, OptionalLong version,
      boolean resume, StdStreams io) throws UsageException, IOException {
    if (rest.isEmpty() || rest.size() > 2) {
      throw new UsageException("usage: get NAME [FILE|-] [--version N] [--resume]");
    }
    String name = rest.get(0);
    String file = rest.size() == 2 ? rest.get(1) : "-";
    if (resume) {
      if (file.equals("-")) {
        throw new UsageException("get --resume needs the FILE to continue");
      }
      if (version.isPresent()) {
        client.resume(name, version.getAsLong(), Path.of(file));
      } else {
        client.resume(name, Path.of(file));
      }
      return;
    }
    if (!file.equals("-")) {
      Path path = Path.of(file);
      if (version.isPresent()) {
        client.get(name, version.getAsLong(), path);
      } else {
        client.get(name, path);
      }
      return;
    }
    if (version.isPresent()) {
      client.get(name, version.getAsLong(), io.out());
    } else {
      client.get(name, io.out());
    }
    io.out().flush();
  }

  private static String only(List<String> rest, String usage) throws UsageException {
    if (rest.size() != 1) {
      throw new UsageException("usage: " + usage);
    }
    return rest.get(0);
  }

  private static ObjectInfo head(OstoreClient client, String name, OptionalLong version)
      throws IOException {
    return version.isPresent() ? client.head(name, version.getAsLong()) : client.head(name);
  }

  private static String optional(List<String> rest, String usage) throws UsageException {
    if (rest.size() > 1) {
      throw new UsageException("usage: " + usage);
    }
    return rest.isEmpty() ? "" : rest.get(0);
  }

  /** Buffered: a listing prints a line per version. Flushed by {@link #execute}. */
  private static PrintStream text(StdStreams io) {
    return new PrintStream(new BufferedOutputStream(io.out(), 64 * 1024), false,
        StandardCharsets.UTF_8);
  }

  /** --server, else a non-blank $OSTORE_SERVER, else the default. */
  static URI server(Args args, Map<String, String> env) throws UsageException {
    String fromEnv = env.getOrDefault("OSTORE_SERVER", "");
    String text = args.option("server").orElse(fromEnv.isBlank() ? DEFAULT_SERVER : fromEnv);
    try {
      URI uri = new URI(text.strip());
      OstoreClient.builder(uri); // validates scheme and host
      return uri;
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new UsageException("bad server URL: " + text);
    }
  }
}
