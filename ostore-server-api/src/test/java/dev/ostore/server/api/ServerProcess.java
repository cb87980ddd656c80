package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server's {@code main} run in a JVM of its own, from the test class path, so a test can kill
 * it like an operator's {@code kill -9} or cap its heap. Its output goes to a log file.
 */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  final Path log;

  private ServerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
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
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return new ServerProcess(builder.start(), log);
  }

  /** A loopback port nothing listens on right now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Waits until something accepts connections on {@code port}. */
  void awaitListening(int port, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      assertTrue(process.isAlive(), "server exited; see " + log);
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        assertTrue(System.nanoTime() < deadline, "server not listening in time; see " + log);
        Thread.sleep(50);
      }
    }
  }

  /** Waits for the process to exit by itself and returns its status; fails after {@code within}. */
  int awaitExit(Duration within) throws InterruptedException {
    assertTrue(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS),
        "server still running after " + within + "; see " + log);
    return process.exitValue();
  }

  /** What the process wrote, standard error and output together. */
  String output() throws IOException {
    return Files.readString(log);
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
