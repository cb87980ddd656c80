package dev.ostore.server.data;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;

import dev.ostore.bus.MessageBus;
import dev.ostore.config.Options;
import dev.ostore.config.ServerLogging;
import java.io.IOException;
import java.lang.System.Logger;

/** Runs a data server from the environment and flags: {@code java -jar ostore-server-data.jar}. */
public final class DataServerMain {
  private static final String USAGE = """
      Usage: java -jar ostore-server-data.jar [--flag VALUE]...
      Runs an ostore data server: keeps content by its SHA-256 under STORAGE_ROOT, serves it over
      HTTP on LISTEN_ADDRESS, announces itself and answers locate requests over RabbitMQ.""";

  private DataServerMain() {}

  public static void main(String[] args) {
    ServerLogging.install();
    Logger log = System.getLogger(DataServerMain.class.getName());
    if (Options.wantsHelp(args)) {
      System.out.print(Options.help(USAGE, DataServerConfig.OPTIONS));
      return;
    }
    DataServerConfig config;
    try {
      config = DataServerConfig.from(System.getenv(), args);
    } catch (IllegalArgumentException e) {
      System.err.println("ostore-server-data: " + e.getMessage() + " (see --help)");
      System.exit(2);
      return;
    }
    MessageBus bus;
    try {
      bus = MessageBus.rabbitMq(config.rabbitMqServer().orElseThrow());
    } catch (IOException e) {
      // Refused for good (credentials, virtual host, not a broker): waiting would not help.
      log.log(ERROR, "data server cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      DataServer server = DataServer.start(config, bus);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        bus.close();
        log.log(INFO, "data server stopped");
      }, "shutdown"));
      log.log(INFO, () -> "data server started on " + server.address() + ": "
          + config.describe());
    } catch (IOException | RuntimeException e) {
      log.log(ERROR, "data server failed to start: " + e.getMessage(), e);
      bus.close();
      System.exit(1);
    }
  }
}
