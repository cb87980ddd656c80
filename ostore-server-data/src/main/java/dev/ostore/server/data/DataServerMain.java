package dev.ostore.server.data;

import dev.ostore.bus.MessageBus;
import dev.ostore.config.ServerMain;
import dev.ostore.http.HttpService;
import dev.ostore.storage.StorageRoot;
import java.io.IOException;
import java.time.InstantSource;

/** Runs a data server from the environment and flags: {@code java -jar ostore-server-data.jar}. */
public final class DataServerMain {
  private static final String USAGE = """
      Usage: java -jar ostore-server-data.jar [--flag VALUE]...
      Runs an ostore data server: keeps content by its SHA-256 under STORAGE_ROOT, serves it over
      HTTP on LISTEN_ADDRESS, announces itself and answers locate requests over RabbitMQ.""";

  private DataServerMain() {}

  public static void main(String[] args) {
    ServerMain.run(new ServerMain.Program<>("data server", "ostore-server-data", USAGE,
        DataServerConfig.OPTIONS, DataServerConfig::from, DataServerMain::start), args);
  }

  /** The port first, then the disk, then the broker: a start refused leaves nothing behind. */
  private static ServerMain.Running start(DataServerConfig config) throws IOException {
    HttpService.Listener listener = DataServer.listen(config);
    StorageRoot root = DataServer.lockRoot(config, listener);
    MessageBus bus = MessageBus.rabbitMq(config.rabbitMqServer().orElseThrow());
    try {
      DataServer server = DataServer.start(config, listener, root, bus, InstantSource.system());
      return grace -> {
        boolean finished = server.stop(grace);
        bus.close();
        return finished;
      };
    } catch (IOException | RuntimeException e) {
      bus.close();
      throw e;
    }
  }
}
