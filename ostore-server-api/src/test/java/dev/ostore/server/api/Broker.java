package dev.ostore.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The RabbitMQ broker on this machine, which these tests need and never skip without: a test that
 * finds it unreachable fails, saying how to start it.
 */
final class Broker {
  private Broker() {}

  static void requireRunning() {
    try (Socket socket = new Socket("127.0.0.1", 5672)) {
      return;
    } catch (IOException e) {
      throw new AssertionError("RabbitMQ is not reachable on 127.0.0.1:5672; start it with "
          + "'rabbitmq-server -detached' (.ci/run does)", e);
    }
  }

  /**
   * A virtual host of its own on the broker, for one test: its servers see no other cluster on
   * this machine (nor anyone's real store), and none sees them. Closing deletes it.
   */
  static final class VirtualHost implements AutoCloseable {
    final String name = "ostore-test-" + java.util.UUID.randomUUID();

    VirtualHost() throws Exception {
      rabbitmqctl("add_vhost", name);
      rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
    }

    /** The AMQP URI of the virtual host, for {@code RABBITMQ_SERVER}. */
    String uri() {
      return "amqp://guest:guest@127.0.0.1:5672/" + name;
    }

    @Override
    public void close() throws Exception {
      rabbitmqctl("delete_vhost", name);
    }
  }

  /** Runs {@code rabbitmqctl} with {@code args} and waits for it to succeed. */
  static void rabbitmqctl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("rabbitmqctl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("rabbitmqctl " + String.join(" ", args) + " hung");
    }
    assertEquals(0, process.exitValue(), "rabbitmqctl " + String.join(" ", args) + ": " + output);
  }
}
