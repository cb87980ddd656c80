package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server's {@code main} run in a JVM of its own, from the test class path, so a test can kill
 * it like an operator's {@code kill -9} or cap its heap. Its output goes to a log file.
 */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  final Path log;
  /** Where this process's output starts in {@link #log}, which earlier runs may have filled. */
  private final long logStart;

  /** Starts of one server on fresh ports when the port picked is taken before it binds. */
  static final int PORT_ATTEMPTS = 3;

  private ServerProcess(Process process, Path log, long logStart) {
    this.process = process;
    this.log = log;
    this.logStart = logStart;
  }

  /** Starts {@code mainClass} with {@code env} added and {@code args}, logging to {@code log}. */
  static ServerProcess start(Class<?> mainClass, List<String> jvmOptions, Map<String, String> env,
      List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(args);
    Files.createDirectories(log.getParent());
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return new ServerProcess(builder.start(), log, logStart);
  }

  /** How a server run to its end ended: its exit status and what it printed. */
  record Exited(int status, String stdout, String stderr) {}

  /**
   * Runs {@code mainClass} with {@code env} added and {@code args}, in the directory {@code
   * workDir}, until it exits (within 60 s).
   */
  static Exited run(Class<?> mainClass, Path workDir, Map<String, String> env, List<String> args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), mainClass.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<String> stdout = CompletableFuture.supplyAsync(
        () -> readAll(process.getInputStream()));
    String stderr = readAll(process.getErrorStream());
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running: " + stderr);
    return new Exited(process.exitValue(), stdout.get(), stderr);
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A server started on a port of its own, and that port. */
  record Listening(ServerProcess server, int port) {
    URI uri() {
      return URI.create("http://127.0.0.1:" + port);
    }
  }

  /** How a test starts its server on a given port. */
  interface Launch {
    ServerProcess on(int port) throws IOException;
  }

  /**
   * Starts a server with {@code launch} on a port found free, and again on another when that
   * one was taken before the server could bind it ({@link #lostItsPort}); returns once it has
   * started, within {@code within} a start.
   */
  static Listening startOnFreePort(Launch launch, Duration within) throws Exception {
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      ServerProcess server = launch.on(port);
      try {
        server.awaitStarted(port, within);
        return new Listening(server, port);
      } catch (AssertionError e) {
        if (attempt == PORT_ATTEMPTS || !server.lostItsPort()) {
          server.close(); // one that did not start in time is not left running
          throw e;
        }
      }
    }
  }

  /**
   * A listen address for a server that must refuse to start: it binds a port the system picks,
   * which no other process can take first, as it could a {@link #freePort} picked beforehand.
   */
  static final String ANY_PORT = "127.0.0.1:0";

  /** A loopback port nothing listens on right now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Waits until the server has started: it logged so, and accepts connections on {@code port}.
   * Accepting connections alone is not enough: a server takes its port first of all, so that a
   * port in use is found before anything else, and serves while the rest of it starts.
   */
  void awaitStarted(int port, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!output().contains(" server started: ")) {
      assertTrue(process.isAlive(), "server exited; see " + log);
      assertTrue(System.nanoTime() < deadline, "server not started in time; see " + log);
      Thread.sleep(50);
    }
    while (true) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        assertTrue(System.nanoTime() < deadline, "server not listening in time; see " + log);
        Thread.sleep(50);
      }
    }
  }

  /**
   * Whether the server exited because its port was taken: a port found free a moment before
   * may become a connection's own end in between (any process's, this machine's tests run many).
   */
  boolean lostItsPort() throws IOException {
    return !process.isAlive() && output().contains(" is in use by another process");
  }

  /** Sends SIGTERM, as {@code kill} or a service manager would, without waiting. */
  void terminate() {
    process.destroy();
  }

  /** Waits for the process to exit (within 60 s) and returns its exit status. */
  int awaitExit() throws InterruptedException {
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "server did not exit; see " + log);
    return process.exitValue();
  }

  long pid() {
    return process.pid();
  }

  /** Waits until the log has a line containing {@code text}. */
  void awaitLog(String text, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!output().contains(text)) {
      assertTrue(System.nanoTime() < deadline, "no '" + text + "' in time; see " + log);
      Thread.sleep(20);
    }
  }

  /** What this process wrote, standard error and output together. */
  String output() throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    try (java.io.InputStream in = Files.newInputStream(log)) {
      in.skipNBytes(Math.min(logStart, Files.size(log)));
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** Kills the process at once, as {@code kill -9} would. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
