package dev.ostore.server.api;

import dev.ostore.bus.MessageBus;
import dev.ostore.config.ServerMain;
import dev.ostore.http.HttpService;
import dev.ostore.metadata.StoreIdentity;
import dev.ostore.storage.StorageRoot;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Runs an api server from the environment and flags: {@code java -jar ostore-server-api.jar}.
 * With {@code RABBITMQ_SERVER} it fronts the data servers of a cluster; without, it is a whole
 * store on this machine.
 */
public final class ApiServerMain {
  private static final String USAGE = """
      Usage: java -jar ostore-server-api.jar [--flag VALUE]...
      Runs an ostore api server on LISTEN_ADDRESS. With RABBITMQ_SERVER set it serves the data
      servers of a cluster; without, it runs a complete store in this process: data servers
      keeping their objects under STORAGE_ROOT. Either way, unless METADATA_URL is set, the
      versions are in STORAGE_ROOT/metadata.db, which belongs to one store: a cluster's api
      server refuses a one-command store's, and the reverse.""";

  private ApiServerMain() {}

  public static void main(String[] args) {
    // The JDK keeps 5 idle connections per data server unless told otherwise; concurrent
    // downloads would then pay a new connection each. Set before the first request is made.
    if (System.getProperty("http.maxConnections") == null) {
      System.setProperty("http.maxConnections", "64");
    }
    ServerMain.run(new ServerMain.Program<>("api server", "ostore-server-api", USAGE,
        ApiServerConfig.OPTIONS, ApiServerConfig::from, ApiServerMain::start), args);
  }

  private static ServerMain.Running start(ApiServerConfig config) throws IOException {
    if (config.standalone()) {
      // The one-command store tells what it does: it is the operator's whole store.
      return LocalCluster.builder(config).verbose(true).start()::stop;
    }
    // The port first, then the disk, then the broker: a start refused leaves nothing behind.
    HttpService.Listener listener = ApiServer.listen(config);
    Optional<StorageRoot> root = ApiServer.lockRootIfUsed(config, listener);
    MessageBus bus = MessageBus.rabbitMq(config.rabbitMqServer().orElseThrow());
    try {
      ApiServer api = ApiServer.start(config, listener, root, StoreIdentity.cluster(),
          ApiServer.layouts(config), bus, InstantSource.system(), Optional.empty());
      return grace -> {
        boolean finished = api.stop(grace);
        bus.close();
        return finished;
      };
    } catch (IOException | RuntimeException e) {
      bus.close();
      throw e;
    }
  }
}
