package dev.ostore.server.api;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;

import dev.ostore.bus.MessageBus;
import dev.ostore.config.Options;
import dev.ostore.config.ServerLogging;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.InstantSource;

/**
 * Runs an api server from the environment and flags: {@code java -jar ostore-server-api.jar}.
 * With {@code RABBITMQ_SERVER} it fronts the data servers of a cluster; without, it is a whole
 * store on this machine.
 */
public final class ApiServerMain {
  private static final String USAGE = """
      Usage: java -jar ostore-server-api.jar [--flag VALUE]...
      Runs an ostore api server on LISTEN_ADDRESS. With RABBITMQ_SERVER set it serves the data
      servers of a cluster; without, it runs a complete store in this process: DATA_SERVERS data
      servers keeping their objects under STORAGE_ROOT.""";

  private ApiServerMain() {}

  public static void main(String[] args) {
    ServerLogging.install();
    // The JDK keeps 5 idle connections per data server unless told otherwise; concurrent
    // downloads would then pay a new connection each. Set before the first request is made.
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections", "64");
    }
    Logger log = System.getLogger(ApiServerMain.class.getName());
    if (Options.wantsHelp(args)) {
      System.out.print(Options.help(USAGE, ApiServerConfig.OPTIONS));
      return;
    }
    ApiServerConfig config;
    try {
      config = ApiServerConfig.from(System.getenv(), args);
    } catch (IllegalArgumentException e) {
      System.err.println("ostore-server-api: " + e.getMessage() + " (see --help)");
      System.exit(2);
      return;
    }
    try {
      AutoCloseable server = config.standalone() ? LocalCluster.start(config) : cluster(config);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (Exception e) {
          log.log(ERROR, "api server did not stop cleanly", e);
        }
        log.log(INFO, "api server stopped");
      }, "shutdown"));
      log.log(INFO, () -> "api server started: " + config.describe());
    } catch (IOException | IllegalStateException e) {
      // What it depends on refused it (the broker, the metadata database) or failed: the message
      // says what to fix, and neither waiting nor a stack trace would help.
      log.log(ERROR, "api server cannot start: " + e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      log.log(ERROR, "api server failed to start: " + e.getMessage(), e);
      System.exit(1);
    }
  }

  private static AutoCloseable cluster(ApiServerConfig config) throws Exception {
    MessageBus bus = MessageBus.rabbitMq(config.rabbitMqServer().orElseThrow());
    try {
      ApiServer api = ApiServer.start(config, bus, InstantSource.system());
      return () -> {
        api.close();
        bus.close();
      };
    } catch (Exception e) {
      bus.close();
      throw e;
    }
  }
}
