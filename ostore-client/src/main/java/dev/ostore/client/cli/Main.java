package dev.ostore.client.cli;

import dev.ostore.client.ObjectInfo;
import dev.ostore.client.ObjectVersion;
import dev.ostore.client.OstoreClient;
import dev.ostore.client.OstoreClientException;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
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
  static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

  static final String USAGE_TEXT = """
      usage: java -jar ostore-client.jar [--server URL] [--verbose] COMMAND [ARGS]

      commands:
        put NAME FILE|-     store FILE (or standard input, streamed, for -) as the next version
                            of object NAME; print that version
        get NAME [FILE|-] [--version N]
                            write object NAME (version N, else the latest) to FILE, or to
                            standard output (the default), checking its SHA-256 on the way:
                            FILE is replaced only when all is well; on standard output, bytes
                            that prove corrupt at the end show as exit status 1
        head NAME [--version N]
                            print the latest version of NAME (or version N), without its bytes
        delete NAME         delete object NAME and print the tombstone version; its earlier
                            versions stay readable with get --version
        versions NAME       print every version of NAME, oldest first, tombstones included
        list [PREFIX]       print the latest version of each object (whose name starts with
                            PREFIX), in name order; deleted objects are left out
        locate NAME         print the address of the data server holding object NAME
        bench --size BYTES --count N --concurrency C [--op put|get|mixed] [--warmup W]
                            time N operations on C threads, print "key: value" lines
                            (MB = 10^6 bytes), after untimed ones for W: a number of
                            operations, or a time such as 10s (default 3s, at most N); every
                            PUT sends new content, and each thread holds a copy of the body
        help                print this help

      options:
        --server URL        the api server; default $OSTORE_SERVER, else %s
        --verbose           print the stack trace of a failure
        -h, --help          print this help
        --                  end of options, for names that start with a dash

      put, head, delete, versions and list print one line per version:
        VERSION<TAB>SIZE<TAB>SHA256<TAB>NAME
      SHA256 is the base64 SHA-256 of the bytes (as in the Digest header), or "deleted" for the
      tombstone a delete records. Names hold no tab or newline, so NAME is the rest of the line.
      Sizes are bytes, or take a suffix k, m, g or t (powers of 1024): 4k = 4096.
      Exit status: 0 success, 1 failure (a missing object too), 2 usage error.
      The JVM keeps up to 64 idle connections per server for bench; for more concurrency run
      java -Dhttp.maxConnections=N -jar ostore-client.jar ...
      """.formatted(DEFAULT_SERVER);

  private static final Set<String> VALUED =
      Set.of("server", "size", "count", "concurrency", "op", "warmup", "version");
  private static final Set<String> BENCH_ONLY =
      Set.of("size", "count", "concurrency", "op", "warmup");
  private static final Set<String> VERSIONED = Set.of("get", "head");
  private static final Set<String> FLAGS = Set.of("verbose", "help");
  /** Lines of a listing between checks that standard output still takes them. */
  private static final int CHECK_EVERY = 1000;

  private Main() {}

  public static void main(String[] args) {
    // The JDK keeps only 5 idle connections per server by default; a bench with more threads
    // would reconnect for nearly every request. Read once, at the first connection.
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections", "64");
    }
    StdStreams io = new StdStreams(
        System.in, new FileOutputStream(FileDescriptor.out), System.err, stderrIsTerminal());
    System.exit(run(args, System.getenv(), io));
  }

  /** Runs one command line with {@code env} as the environment, and returns the exit status. */
  static int run(String[] words, Map<String, String> env, StdStreams io) {
    URI server = null;
    try {
      Args args = Args.parse(words, VALUED, FLAGS);
      if (args.flag("help") || args.operands().stream().findFirst().equals(Optional.of("help"))) {
        PrintStream stdout = text(io);
        stdout.print(USAGE_TEXT);
        stdout.flush();
        return OK;
      }
      server = server(args, env);
      return execute(args, server, io);
    } catch (UsageException e) {
      io.err().println("ostore: " + e.getMessage());
      io.err().print(USAGE_TEXT);
      return USAGE;
    } catch (IOException | IllegalArgumentException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return failed(e, server, words, io);
    } catch (UncheckedIOException e) {
      // A later page of a listing that failed to come.
      return failed(e.getCause(), server, words, io);
    }
  }

  private static int failed(Exception e, URI server, String[] words, StdStreams io) {
    io.err().println("ostore: " + describe(e, server));
    if (List.of(words).contains("--verbose")) {
      e.printStackTrace(io.err());
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
    if (!command.equals("bench")) {
      for (String option : BENCH_ONLY) {
        if (args.option(option).isPresent()) {
          throw new UsageException("option --" + option + " is for bench only");
        }
      }
    }
    if (!VERSIONED.contains(command) && args.option("version").isPresent()) {
      throw new UsageException("option --version is for get and head only");
    }
    OptionalLong version = version(args);
    PrintStream stdout = text(io);
    int status = OK;
    try {
      switch (command) {
        case "put", "get" -> transfer(command, rest, version, server, io, stdout);
        case "head" -> stdout.println(VersionText.line(
            head(client(server), only(rest, "head NAME [--version N]"), version)));
        case "delete" -> stdout.println(VersionText.line(
            client(server).delete(only(rest, "delete NAME"))));
        case "versions" -> print(client(server).versions(only(rest, "versions NAME")), stdout);
        case "list" -> print(client(server).list(optional(rest, "list [PREFIX]")), stdout);
        case "locate" -> stdout.println(client(server).locate(only(rest, "locate NAME")));
        case "bench" -> status = bench(args, rest, server, stdout, io.err());
        default -> throw new UsageException("unknown command: " + command);
      }
    } finally {
      // Also what was printed before a failure, such as the pages of a listing that broke off.
      stdout.flush();
    }
    if (stdout.checkError()) {
      throw new IOException("cannot write to standard output");
    }
    return status;
  }

  /** Prints a listing as it comes, and stops it when standard output is gone (a closed pipe). */
  private static void print(Stream<ObjectVersion> versions, PrintStream stdout)
      throws IOException {
    Iterator<ObjectVersion> lines = versions.iterator();
    for (long n = 1; lines.hasNext(); n++) {
      stdout.println(VersionText.line(lines.next()));
      if (n % CHECK_EVERY == 0 && stdout.checkError()) {
        throw new IOException("cannot write to standard output");
      }
    }
  }

  /** The number of --version; empty for the latest. */
  private static OptionalLong version(Args args) throws UsageException {
    Optional<String> text = args.option("version");
    if (text.isEmpty()) {
      return OptionalLong.empty();
    }
    if (text.get().matches("[1-9][0-9]{0,17}")) {
      return OptionalLong.of(Long.parseLong(text.get()));
    }
    throw new UsageException("--version must be a whole number from 1 up, not " + text.get());
  }

  private static int bench(Args args, List<String> rest, URI server, PrintStream stdout,
      PrintStream err) throws UsageException, IOException, InterruptedException {
    if (!rest.isEmpty()) {
      throw new UsageException("bench takes no operands: " + rest);
    }
    BenchResult result = Bench.run(client(server), BenchOptions.from(args), new SecureRandom());
    result.print(stdout);
    if (result.errors() == 0) {
      return OK;
    }
    err.println("ostore: bench: " + result.errors() + " operations failed, the first with "
        + result.firstError().orElse("?"));
    return FAILED;
  }

  /**
   * put or get, with a progress line on standard error when it is a terminal; put prints the
   * version it stored.
   */
  private static void transfer(String command, List<String> rest, OptionalLong version,
      URI server, StdStreams io, PrintStream stdout) throws UsageException, IOException {
    boolean put = command.equals("put");
    if (put ? rest.size() != 2 : rest.isEmpty() || rest.size() > 2) {
      throw new UsageException(put ? "usage: put NAME FILE|-"
          : "usage: get NAME [FILE|-] [--version N]");
    }
    String name = rest.get(0);
    String file = rest.size() == 2 ? rest.get(1) : "-";
    Progress progress = io.errIsTerminal() ? new Progress(io.err(), System::nanoTime) : null;
    OstoreClient.Builder builder = OstoreClient.builder(server);
    if (progress != null) {
      builder.transferListener(progress);
    }
    OstoreClient client = builder.build();
    ObjectVersion stored = null;
    try {
      if (put) {
        stored = file.equals("-") ? client.put(name, io.in()) : client.put(name, Path.of(file));
      } else if (file.equals("-")) {
        if (version.isPresent()) {
          client.get(name, version.getAsLong(), io.out());
        } else {
          client.get(name, io.out());
        }
        io.out().flush();
      } else if (version.isPresent()) {
        client.get(name, version.getAsLong(), Path.of(file));
      } else {
        client.get(name, Path.of(file));
      }
    } finally {
      if (progress != null) {
        progress.finish();
      }
    }
    if (stored != null) {
      stdout.println(VersionText.line(stored));
    }
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

  private static OstoreClient client(URI server) {
    return OstoreClient.builder(server).build();
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

  /** A one-line reason: the server's own message, or what went wrong on this side. */
  private static String describe(Exception e, URI server) {
    String type = e.getClass().getSimpleName();
    if (e instanceof OstoreClientException answer) {
      return answer.getMessage() + " (HTTP " + answer.status() + ")";
    }
    if (e instanceof ConnectException || e instanceof UnknownHostException
        || e instanceof SocketTimeoutException) {
      return "cannot reach " + server + ": " + e.getMessage() + " (" + type + ")";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file: " + e.getMessage();
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied: " + e.getMessage();
    }
    if (e instanceof IllegalArgumentException) {
      return e.getMessage(); // a name the protocol forbids: the message says which rule
    }
    return e.getMessage() == null ? type : e.getMessage() + " (" + type + ")";
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
